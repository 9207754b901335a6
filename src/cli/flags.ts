/**
 * Flag values and process plumbing shared by the commands.
 */

/** `90s`, `5m`, `1h`, `250ms` as milliseconds; `flag` names the flag in the error. */
export function parseDuration(s: string, flag?: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(s);
  if (!m) throw new Error(`invalid ${flag ? `--${flag}` : 'duration'} ${JSON.stringify(s)} (want e.g. 500ms, 10s, 5m, 1h)`);
  const n = Number(m[1]);
  return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

export function parseBool(flag: string, v: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new Error(`invalid --${flag} ${JSON.stringify(v)}: want true or false`);
}

export function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`invalid --${flag} ${JSON.stringify(v)}: want a positive integer`);
  return n;
}

export function nonNegativeInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`invalid --${flag} ${JSON.stringify(v)}: want a non-negative integer`);
  return n;
}

/** Resolves with the name of the first SIGINT or SIGTERM. */
export function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}
