/**
 * Flag values and process plumbing shared by the commands. Each parser
 * throws a UsageError that names the flag and says what it wants.
 */
import { UsageError } from './usage-error.js';

/** `90s`, `5m`, `1h`, `250ms` as milliseconds; `flag` names the flag in the error. */
export function parseDuration(s: string, flag?: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(s);
  if (!m) throw new UsageError(`invalid ${flag ? `--${flag}` : 'duration'} ${JSON.stringify(s)}: want a duration such as 500ms, 10s, 5m, 1h`);
  const n = Number(m[1]);
  return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

export function parseBool(flag: string, v: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new UsageError(`invalid --${flag} ${JSON.stringify(v)}: want true or false`);
}

export function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n <= 0) throw new UsageError(`invalid --${flag} ${JSON.stringify(v)}: want a positive integer`);
  return n;
}

export function nonNegativeInt(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < 0) throw new UsageError(`invalid --${flag} ${JSON.stringify(v)}: want a non-negative integer`);
  return n;
}

/** A TCP port, 0 (pick a free one) to 65535. */
export function port(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`invalid --${flag} ${JSON.stringify(v)}: want a port from 0 to 65535`);
  return n;
}

/** `v` when it is one of `choices`. */
export function oneOf<C extends string>(flag: string, v: string, choices: readonly C[]): C {
  if ((choices as readonly string[]).includes(v)) return v as C;
  const want = choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}` : choices.join('');
  throw new UsageError(`invalid --${flag} ${JSON.stringify(v)}: want ${want}`);
}

/** Resolves with the name of the first SIGINT or SIGTERM. */
export function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}
