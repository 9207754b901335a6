/**
 * CrashLoopBackOff (upstream's flowcontrol.Backoff as the kubelet uses it:
 * 10 s initial, doubling, 300 s max; an entry resets once its container ran
 * for twice the max, 10 min, before exiting). Keys are per pod uid,
 * container name and spec hash, so a changed container starts afresh.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../../client/clock.js';
import { realClock } from '../../client/clock.js';
import { hashContainer } from './container-hash.js';
import { formatPod } from './container-helpers.js';
import type { RuntimeContainer } from './runtime-pod.js';

export const INITIAL_BACK_OFF_MS = 10_000;
export const MAX_BACK_OFF_MS = 300_000;

interface Entry {
  backOffMs: number;
  /** When next() last ran for the key: the container's start. */
  lastUpdate: number;
}

export interface CrashLoopBackOffOptions {
  /** @default realClock */
  clock?: Clock;
  /** @default 10 s */
  initialMs?: number;
  /** @default 300 s */
  maxMs?: number;
}

/** The back-off key of a container of a pod. */
export function backOffKey(pod: Pod, container: Pick<Container, 'name' | 'image'>): string {
  return `${pod.metadata?.uid ?? ''}_${container.name}_${hashContainer(container)}`;
}

/** A duration as Go prints it: "10s", "1m20s", "5m0s". */
export function formatGoDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

export class CrashLoopBackOff {
  private readonly clock: Clock;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly entries = new Map<string, Entry>();

  constructor(opts: CrashLoopBackOffOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.initialMs = opts.initialMs ?? INITIAL_BACK_OFF_MS;
    this.maxMs = opts.maxMs ?? MAX_BACK_OFF_MS;
  }

  /** The entry is stale: the container last exited more than twice the max after it was started. */
  private expired(eventTime: number, e: Entry): boolean {
    return eventTime - e.lastUpdate > 2 * this.maxMs;
  }

  /** The current back-off of `key` in ms (0 when it has none). */
  get(key: string): number {
    return this.entries.get(key)?.backOffMs ?? 0;
  }

  /**
   * Records a (re)start of `key` whose previous instance exited at
   * `eventTime` (epoch ms): the first one, or one after a stale entry, gets
   * the initial back-off; each further one doubles it up to the max. Call it
   * when the container is actually started after an exit.
   */
  next(key: string, eventTime: number): void {
    const e = this.entries.get(key);
    const backOffMs = !e || this.expired(eventTime, e) ? this.initialMs : Math.min(e.backOffMs * 2, this.maxMs);
    this.entries.set(key, { backOffMs, lastUpdate: this.clock.now() });
  }

  /** Whether `key`, whose last instance exited at `eventTime`, must still wait: less than its back-off has passed since. Never mutates. */
  isInBackOffSince(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e)) return false;
    return this.clock.now() - eventTime < e.backOffMs;
  }

  /** Forgets `key` (the pod is gone). */
  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets entries not updated for twice the max. */
  gc(): void {
    const now = this.clock.now();
    for (const [k, e] of this.entries) if (now - e.lastUpdate > 2 * this.maxMs) this.entries.delete(k);
  }

  /**
   * The planner's back-off check for `pod` (ComputePodActionsOptions.backOff):
   * the upstream message "back-off 20s restarting failed container=app
   * pod=web_default(uid)" while the container must wait, else undefined.
   */
  check(pod: Pod): (container: Container, lastExited: RuntimeContainer) => string | undefined {
    return (container, exited) => {
      const key = backOffKey(pod, container);
      if (!this.isInBackOffSince(key, exited.finishedAt)) return undefined;
      return `back-off ${formatGoDuration(this.get(key))} restarting failed container=${container.name} pod=${formatPod(pod)}`;
    };
  }
}
