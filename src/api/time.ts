/**
 * Kubernetes timestamps (metav1.Time): RFC 3339 in UTC with second
 * precision, as `2026-11-23T07:48:23Z`.
 */

/** The timestamp of `ms` (epoch milliseconds), truncated to the second. */
export function rfc3339Seconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

let cachedSecond = Number.NaN;
let cachedText = '';

/** The timestamp of now; formatted once per second (the write path asks for it on every write). */
export function nowRfc3339Seconds(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedText = rfc3339Seconds(second * 1000);
  }
  return cachedText;
}
