/**
 * Conversions between the protobuf forms of metav1.Time, metav1.MicroTime and
 * metav1.Duration and their JSON strings, as Go's apimachinery formats them.
 */

/** Seconds of Go's zero time.Time (0001-01-01T00:00:00Z), what Go sends for an unset Time. */
export const GO_ZERO_TIME_SECONDS = -62135596800;

export interface Timestamp { seconds: number; nanos: number }

/** True for Go's zero time (which JSON renders as null). */
export function isZeroTime(t: Timestamp): boolean {
  return t.seconds === GO_ZERO_TIME_SECONDS && t.nanos === 0;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** RFC 3339 in UTC; `fractionDigits` 0 for Time (`2024-01-02T03:04:05Z`), 6 for MicroTime. */
export function formatTimestamp(t: Timestamp, fractionDigits: 0 | 6): string {
  const d = new Date(t.seconds * 1000);
  if (Number.isNaN(d.getTime())) throw new RangeError(`timestamp out of range: ${t.seconds}s`);
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  if (fractionDigits === 0) return `${base}Z`;
  return `${base}.${pad(Math.floor(t.nanos / 1000), 6)}Z`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Parses an RFC 3339 timestamp; returns undefined when `s` is not one. */
export function parseTimestamp(s: string): Timestamp | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, frac, , sign, oh, om] = m;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(se), 0);
  let seconds = date.getTime() / 1000;
  if (sign) seconds -= (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60);
  const nanos = frac ? Number(frac.padEnd(9, '0')) : 0;
  return Number.isFinite(seconds) ? { seconds, nanos } : undefined;
}

const UNITS: ReadonlyArray<[string, number]> = [['h', 3600e9], ['m', 60e9], ['s', 1e9], ['ms', 1e6], ['us', 1e3], ['µs', 1e3], ['ns', 1]];

/** Go's time.Duration.String() for a count of nanoseconds: `1h0m0s`, `1.5s`, `300ms`, `0s`. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let n = Math.abs(ns);
  let out: string;
  if (n < 1e9) {
    const [unit, size] = n < 1e3 ? ['ns', 1] : n < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    out = `${trimFraction(n / size)}${unit}`;
  } else {
    const h = Math.floor(n / 3600e9); n -= h * 3600e9;
    const m = Math.floor(n / 60e9); n -= m * 60e9;
    const s = `${trimFraction(n / 1e9)}s`;
    out = h > 0 ? `${h}h${m}m${s}` : m > 0 ? `${m}m${s}` : s;
  }
  return neg ? `-${out}` : out;
}

function trimFraction(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toFixed(9)));
}

/** Parses Go's duration syntax (`1h30m`, `1.5s`, `-2m`); undefined when invalid. */
export function parseGoDuration(s: string): number | undefined {
  const m = /^([+-])?((?:\d+(?:\.\d*)?|\.\d+)(?:h|m|s|ms|us|µs|ns))+$/.exec(s);
  if (!m) return s === '0' ? 0 : undefined;
  let total = 0;
  for (const part of s.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/g)) {
    const size = UNITS.find(([u]) => u === part[2])![1];
    total += Number(part[1]) * size;
  }
  return Math.round(m[1] === '-' ? -total : total);
}
