/**
 * Latency recording, percentiles and the results table every benchmark prints.
 *
 * Latencies go into a log-bucketed histogram (1% relative precision from
 * 1 µs to 100 s), so that millions of samples (watch fan-out) cost a fixed
 * ~15 KiB and histograms from several processes can be merged. A percentile
 * is reported as the upper bound of its bucket: at most 1% above the truth.
 */

const MIN_MS = 0.001;
const MAX_MS = 100_000;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = Math.ceil(Math.log(MAX_MS / MIN_MS) / LOG_GROWTH) + 2;

/** Mergeable latency histogram in milliseconds. */
export class Histogram {
  readonly counts: Float64Array;
  count = 0;
  max = 0;
  sum = 0;

  constructor(counts?: ArrayLike<number>) {
    this.counts = new Float64Array(BUCKETS);
    if (counts) {
      for (let i = 0; i < BUCKETS; i++) this.counts[i] = counts[i] ?? 0;
      for (let i = 0; i < BUCKETS; i++) this.count += this.counts[i];
    }
  }

  /** Records one sample; negative values (clock skew between processes) count as 0. */
  record(ms: number): void {
    const v = ms > MIN_MS ? ms : MIN_MS;
    const i = v >= MAX_MS ? BUCKETS - 1 : Math.ceil(Math.log(v / MIN_MS) / LOG_GROWTH);
    this.counts[i]++;
    this.count++;
    this.sum += ms > 0 ? ms : 0;
    if (ms > this.max) this.max = ms;
  }

  /** Adds another histogram's samples to this one. */
  merge(other: { counts: ArrayLike<number>; max: number; sum: number }): void {
    for (let i = 0; i < BUCKETS; i++) {
      this.counts[i] += other.counts[i] ?? 0;
      this.count += other.counts[i] ?? 0;
    }
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
  }

  /** The p-quantile (0 < p <= 1) in ms, or NaN with no samples. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(this.count * p));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(MIN_MS * GROWTH ** i, this.max);
    }
    return this.max;
  }

  /** Plain-data form for IPC: send over `process.send` and `merge` on the other side. */
  toJSON(): { counts: number[]; max: number; sum: number } {
    return { counts: Array.from(this.counts), max: this.max, sum: this.sum };
  }
}

/** One line of the results table. */
export interface ResultRow {
  name: string;
  value: string;
  /** The target in words, e.g. "< 20 ms"; empty when the figure has none. */
  target?: string;
  /** Whether the figure meets the target; undefined when there is no target or it could not be measured. */
  ok?: boolean;
}

export const ms = (v: number): string => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms` : 'n/a');
export const perSec = (v: number): string => `${Math.round(v)}/s`;
export const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;
export const pct = (v: number): string => `${(v * 100).toFixed(0)}%`;

/** Formats rows as `name  value  target  ok?` with aligned columns. */
export function formatTable(rows: ResultRow[]): string {
  const w0 = Math.max(4, ...rows.map((r) => r.name.length));
  const w1 = Math.max(5, ...rows.map((r) => r.value.length));
  const w2 = Math.max(6, ...rows.map((r) => (r.target ?? '').length));
  const line = (a: string, b: string, c: string, d: string): string =>
    `${a.padEnd(w0)}  ${b.padStart(w1)}  ${c.padEnd(w2)}  ${d}`.trimEnd();
  const verdict = (r: ResultRow): string => (r.target ? (r.ok === undefined ? '?' : r.ok ? 'ok' : 'MISS') : '');
  return [line('name', 'value', 'target', 'ok?'), ...rows.map((r) => line(r.name, r.value, r.target ?? '', verdict(r)))].join('\n');
}

/** Prints rows as a table under a heading. */
export function printTable(title: string, rows: ResultRow[]): void {
  console.log(`\n== ${title} ==\n${formatTable(rows)}`);
}
