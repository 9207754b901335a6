/**
 * Hard eviction thresholds (`--eviction-hard`, `memory.available<100Mi`)
 * as upstream's kubelet parses them: a signal, `<`, and a quantity or a
 * percentage of the signal's capacity. The pressure conditions compare the
 * host's usage with them, and allocatable sets aside memory.available and
 * nodefs.available (upstream's hardEvictionReservation).
 */
import { parseQuantity } from '../../api/validation/quantity.js';

export type EvictionSignal =
  | 'memory.available' | 'nodefs.available' | 'nodefs.inodesFree'
  | 'imagefs.available' | 'imagefs.inodesFree' | 'pid.available';

export type ThresholdValue = { quantity: number } | { percentage: number };

export type EvictionThresholds = Partial<Record<EvictionSignal, ThresholdValue>>;

/** Upstream's Linux default of --eviction-hard. */
export const DEFAULT_EVICTION_HARD = 'memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%,imagefs.available<15%,imagefs.inodesFree<5%';

/**
 * Upstream has no default for pid.available, so PIDPressure never comes
 * unless one is set; k8ts sets one so that PIDPressure reflects pid_max.
 */
export const DEFAULT_PID_AVAILABLE = 'pid.available<10%';

const SIGNALS = new Set<string>(['memory.available', 'nodefs.available', 'nodefs.inodesFree', 'imagefs.available', 'imagefs.inodesFree', 'pid.available']);

/** Parses `signal<value,...`; throws naming the bad entry. */
export function parseEvictionThresholds(text: string): EvictionThresholds {
  const out: EvictionThresholds = {};
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const m = /^([a-zA-Z.]+)<(.+)$/.exec(entry);
    if (!m || !SIGNALS.has(m[1]!)) throw new Error(`invalid eviction threshold ${JSON.stringify(entry)}: want <signal><<quantity or percentage>`);
    const raw = m[2]!.trim();
    let value: ThresholdValue;
    if (raw.endsWith('%')) {
      const p = Number(raw.slice(0, -1));
      if (!Number.isFinite(p) || p < 0 || p > 100) throw new Error(`invalid eviction threshold ${JSON.stringify(entry)}: percentage must be 0 to 100`);
      value = { percentage: p / 100 };
    } else {
      const q = parseQuantity(raw);
      if (!q || q.value < 0) throw new Error(`invalid eviction threshold ${JSON.stringify(entry)}: not a quantity`);
      value = { quantity: q.value };
    }
    out[m[1] as EvictionSignal] = value;
  }
  return out;
}

/** The threshold's amount for a signal whose capacity is `capacity` (upstream's GetThresholdQuantity). */
export function thresholdAmount(v: ThresholdValue, capacity: number): number {
  return 'quantity' in v ? v.quantity : Math.floor(capacity * v.percentage);
}

/** True when `available` is below the threshold of `signal` (no threshold: never). */
export function belowThreshold(t: EvictionThresholds, signal: EvictionSignal, available: number, capacity: number): boolean {
  const v = t[signal];
  return v !== undefined && available < thresholdAmount(v, capacity);
}
