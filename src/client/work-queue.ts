/**
 * A rate-limited, delaying work queue with client-go's contract
 * (client-go/util/workqueue):
 * - add(item) is a no-op while the item is already waiting (dedup);
 * - an item handed out by get() is "processing" until done(item); adding it
 *   meanwhile marks it dirty, and it is queued again only at done(), so no two
 *   workers ever hold the same item at once;
 * - addRateLimited(item) re-adds after the rate limiter's delay; forget(item)
 *   ends the item's back-off; numRequeues(item) counts failures since;
 * - addAfter(item, ms) adds later (the earliest of several requests wins);
 * - shutDown() refuses further adds; get() hands out what is still queued,
 *   then resolves undefined.
 */
import type { Registry } from 'prom-client';
import { realClock, type Clock, type TimerHandle } from './clock.js';
import { ItemExponentialRateLimiter, type RateLimiter } from './rate-limiter.js';
import { queueMetrics, type QueueMetrics } from './queue-metrics.js';

export interface WorkQueueOptions<T> {
  /** The `name` label of the queue's metrics. @default 'default' */
  name?: string;
  /** @default ItemExponentialRateLimiter (5 ms doubling, capped at 1000 s) */
  rateLimiter?: RateLimiter<T>;
  /** @default realClock */
  clock?: Clock;
  /** Registry for the metrics; `false` disables them. @default prom-client's global registry */
  metrics?: Registry | false;
}

export class WorkQueue<T = string> {
  readonly name: string;
  private readonly queue: T[] = [];
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private readonly waitingSince = new Map<T, number>();
  private readonly startedAt = new Map<T, number>();
  private readonly delayed = new Map<T, { at: number; timer: TimerHandle }>();
  private readonly getters: (() => void)[] = [];
  private readonly rateLimiter: RateLimiter<T>;
  private readonly clock: Clock;
  private readonly metrics: QueueMetrics | undefined;
  private shutdown = false;

  constructor(opts: WorkQueueOptions<T> = {}) {
    this.name = opts.name ?? 'default';
    this.rateLimiter = opts.rateLimiter ?? new ItemExponentialRateLimiter<T>();
    this.clock = opts.clock ?? realClock;
    this.metrics = opts.metrics === false ? undefined : queueMetrics(opts.metrics);
    this.metrics?.depth.set({ name: this.name }, 0);
  }

  /** Items waiting to be handed out (not those processing or delayed). */
  get length(): number { return this.queue.length; }

  get shuttingDown(): boolean { return this.shutdown; }

  /** Marks `item` as needing processing. No-op while it waits or after shutDown(). */
  add(item: T): void {
    if (this.shutdown || this.dirty.has(item)) return;
    this.metrics?.adds.inc({ name: this.name });
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.push(item);
  }

  /**
   * The next item, waiting until one is queued. Resolves undefined once the
   * queue is shut down and empty. The caller must call done(item) when finished.
   */
  async get(): Promise<T | undefined> {
    for (;;) {
      if (this.queue.length > 0) {
        const item = this.queue.shift()!;
        this.processing.add(item);
        this.dirty.delete(item);
        const now = this.clock.now();
        const since = this.waitingSince.get(item);
        this.waitingSince.delete(item);
        this.startedAt.set(item, now);
        if (this.metrics) {
          this.metrics.depth.set({ name: this.name }, this.queue.length);
          if (since !== undefined) this.metrics.queueDuration.observe({ name: this.name }, (now - since) / 1000);
        }
        return item;
      }
      if (this.shutdown) return undefined;
      await new Promise<void>((resolve) => this.getters.push(resolve));
    }
  }

  /** Ends processing of `item`; if it was added meanwhile, it is queued again now. */
  done(item: T): void {
    const started = this.startedAt.get(item);
    this.startedAt.delete(item);
    if (this.metrics && started !== undefined) this.metrics.workDuration.observe({ name: this.name }, (this.clock.now() - started) / 1000);
    this.processing.delete(item);
    if (this.dirty.has(item)) this.push(item);
    else if (this.shutdown && this.queue.length === 0) this.wakeAll();
  }

  /** Adds `item` after `ms` milliseconds. Several pending requests keep the earliest. */
  addAfter(item: T, ms: number): void {
    if (this.shutdown) return;
    if (ms <= 0) { this.add(item); return; }
    const at = this.clock.now() + ms;
    const prev = this.delayed.get(item);
    if (prev && prev.at <= at) return;
    prev?.timer.cancel();
    const timer = this.clock.setTimer(() => {
      this.delayed.delete(item);
      this.add(item);
    }, ms);
    this.delayed.set(item, { at, timer });
  }

  /** Adds `item` once the rate limiter says so (per-item exponential back-off by default). */
  addRateLimited(item: T): void {
    if (this.shutdown) return;
    this.metrics?.retries.inc({ name: this.name });
    this.addAfter(item, this.rateLimiter.when(item));
  }

  /** Ends the item's back-off: its next addRateLimited starts from the base delay. */
  forget(item: T): void { this.rateLimiter.forget(item); }

  numRequeues(item: T): number { return this.rateLimiter.numRequeues(item); }

  /** Refuses further adds and drops delayed ones; get() drains what is queued, then resolves undefined. */
  shutDown(): void {
    this.shutdown = true;
    for (const d of this.delayed.values()) d.timer.cancel();
    this.delayed.clear();
    this.wakeAll();
  }

  private push(item: T): void {
    this.queue.push(item);
    this.waitingSince.set(item, this.clock.now());
    this.metrics?.depth.set({ name: this.name }, this.queue.length);
    this.getters.shift()?.();
  }

  private wakeAll(): void {
    for (const g of this.getters.splice(0)) g();
  }
}
