/**
 * The scheduling queue (upstream's PriorityQueue): pods waiting to be
 * scheduled, in three places.
 *
 * - activeQ: ready now, ordered by the profile's QueueSort (priority, then age);
 * - backoffQ: failed recently, waiting out an exponential back-off
 *   (podInitialBackoffSeconds doubling up to podMaxBackoffSeconds);
 * - unschedulable: rejected by plugins; a cluster event that one of those
 *   plugins registered for moves the pod back (to backoffQ while it is still
 *   backing off), and any pod left there for 5 minutes is retried anyway.
 *
 * An event that arrives while a pod is being scheduled sends that pod to
 * backoffQ instead of unschedulable if it fails (the moveRequestCycle rule),
 * so no event is missed. The queue also tracks nominated pods per node.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { realClock, type Clock, type TimerHandle } from '../client/index.js';
import type { ClusterEvent, Nominator } from './framework/interface.js';
import type { PodInfo } from './framework/pod-info.js';
import { Heap } from './heap.js';

export interface QueuedPodInfo {
  info: PodInfo;
  /** When the pod was (re)queued: the QueueSort tie-breaker and the back-off base. */
  timestamp: number;
  /** When it was first queued (for the scheduling SLI). */
  initialAttemptTimestamp: number;
  attempts: number;
  /** Plugins that rejected it in its last attempt. */
  unschedulablePlugins: Set<string>;
}

export interface SchedulingQueueOptions {
  less: (a: { priority: number; timestamp: number }, b: { priority: number; timestamp: number }) => boolean;
  /** Whether `event` may make a pod rejected by `plugins` schedulable. */
  eventMatters: (plugins: ReadonlySet<string>, event: ClusterEvent) => boolean;
  /** @default 1000 */
  initialBackoffMs?: number;
  /** @default 10000 */
  maxBackoffMs?: number;
  /** @default 300000 */
  maxInUnschedulableMs?: number;
  clock?: Clock;
}

export class SchedulingQueue implements Nominator {
  private readonly activeQ: Heap<QueuedPodInfo>;
  private readonly backoffQ: Heap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly inFlight = new Map<string, QueuedPodInfo>();
  private readonly waiters: ((q: QueuedPodInfo | undefined) => void)[] = [];
  private readonly nominated = new Map<string, Map<string, PodInfo>>();
  private readonly nominatedNode = new Map<string, string>();
  private readonly clock: Clock;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly maxUnschedulableMs: number;
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private closed = false;
  private backoffTimer: TimerHandle | undefined;
  private leftoverTimer: TimerHandle | undefined;

  constructor(private readonly opts: SchedulingQueueOptions) {
    this.clock = opts.clock ?? realClock;
    this.initialMs = opts.initialBackoffMs ?? 1000;
    this.maxMs = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = opts.maxInUnschedulableMs ?? 300_000;
    const key = (q: QueuedPodInfo): string => q.info.key;
    this.activeQ = new Heap(key, (a, b) => opts.less(
      { priority: a.info.priority, timestamp: a.timestamp }, { priority: b.info.priority, timestamp: b.timestamp }));
    this.backoffQ = new Heap(key, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  }

  /** Starts the periodic flushes (back-off completed every second, unschedulable leftovers every 30 s). */
  run(): void {
    const backoff = (): void => {
      if (this.closed) return;
      this.flushBackoffCompleted();
      this.backoffTimer = this.clock.setTimer(backoff, 1000);
    };
    const leftover = (): void => {
      if (this.closed) return;
      this.flushUnschedulableLeftover();
      this.leftoverTimer = this.clock.setTimer(leftover, 30_000);
    };
    this.backoffTimer = this.clock.setTimer(backoff, 1000);
    this.leftoverTimer = this.clock.setTimer(leftover, 30_000);
  }

  close(): void {
    this.closed = true;
    this.backoffTimer?.cancel();
    this.leftoverTimer?.cancel();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  sizes(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.activeQ.size, backoff: this.backoffQ.size, unschedulable: this.unschedulable.size };
  }

  has(key: string): boolean {
    return this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key) || this.inFlight.has(key);
  }

  /** A new unscheduled pod. */
  add(info: PodInfo): void {
    if (this.has(info.key)) { this.update(info); return; }
    const now = this.clock.now();
    this.pushActive({ info, timestamp: now, initialAttemptTimestamp: now, attempts: 0, unschedulablePlugins: new Set() });
    this.syncNomination(info);
  }

  /** The pod changed. A pod waiting as unschedulable is retried when its spec or labels changed. */
  update(info: PodInfo): void {
    this.syncNomination(info);
    const key = info.key;
    const inActive = this.activeQ.get(key);
    if (inActive) { inActive.info = info; this.activeQ.addOrUpdate(inActive); return; }
    const inBackoff = this.backoffQ.get(key);
    if (inBackoff) { inBackoff.info = info; this.backoffQ.addOrUpdate(inBackoff); return; }
    const inFlight = this.inFlight.get(key);
    if (inFlight) { inFlight.info = info; return; }
    const u = this.unschedulable.get(key);
    if (u) {
      const changed = specOrLabelsChanged(u.info.pod, info.pod);
      u.info = info;
      if (changed) {
        this.unschedulable.delete(key);
        if (this.isBackingOff(u)) this.backoffQ.addOrUpdate(u); else this.pushActive(u);
      }
      return;
    }
    this.add(info);
  }

  delete(key: string): void {
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.unschedulable.delete(key);
    this.deleteNomination(key);
  }

  /** The next pod to schedule; waits while activeQ is empty. Resolves undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const q = this.activeQ.pop();
    if (q) return Promise.resolve(this.take(q));
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The scheduling cycle of the pod just popped (for addUnschedulableIfNotPresent). */
  get cycle(): number { return this.schedulingCycle; }

  /** The pod's attempt ended (scheduled, or requeued); it is no longer in flight. */
  done(key: string): void { this.inFlight.delete(key); }

  /**
   * Requeues a pod whose attempt failed: to backoffQ after an error or when a
   * cluster event came during its cycle, else to the unschedulable pods.
   */
  addUnschedulableIfNotPresent(q: QueuedPodInfo, podCycle: number, error: boolean): void {
    const key = q.info.key;
    this.inFlight.delete(key);
    if (this.activeQ.has(key) || this.backoffQ.has(key) || this.unschedulable.has(key)) return;
    q.timestamp = this.clock.now();
    if (error || this.moveRequestCycle >= podCycle) this.backoffQ.addOrUpdate(q);
    else this.unschedulable.set(key, q);
  }

  /** A cluster event: moves the unschedulable pods that a plugin interested in it rejected. */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent): void {
    this.moveRequestCycle = this.schedulingCycle;
    if (this.unschedulable.size === 0) return;
    for (const [key, q] of this.unschedulable) {
      if (q.unschedulablePlugins.size && !this.opts.eventMatters(q.unschedulablePlugins, event)) continue;
      this.unschedulable.delete(key);
      if (this.isBackingOff(q)) this.backoffQ.addOrUpdate(q); else this.pushActive(q);
    }
  }

  // --- nominated pods ---

  nominatedPodsForNode(nodeName: string): readonly PodInfo[] {
    const m = this.nominated.get(nodeName);
    return m ? [...m.values()] : NONE;
  }

  hasNominatedPods(): boolean { return this.nominatedNode.size > 0; }

  /** Records (or clears, with '') the node a pod was nominated to. */
  nominate(info: PodInfo, nodeName: string): void {
    this.deleteNomination(info.key);
    if (!nodeName) return;
    let m = this.nominated.get(nodeName);
    if (!m) this.nominated.set(nodeName, (m = new Map()));
    m.set(info.key, info);
    this.nominatedNode.set(info.key, nodeName);
  }

  deleteNomination(key: string): void {
    const node = this.nominatedNode.get(key);
    if (node === undefined) return;
    this.nominatedNode.delete(key);
    const m = this.nominated.get(node);
    m?.delete(key);
    if (m?.size === 0) this.nominated.delete(node);
  }

  private syncNomination(info: PodInfo): void {
    const n = info.pod.status?.nominatedNodeName;
    if (n) this.nominate(info, n);
    else if (this.nominatedNode.has(info.key)) {
      // Keep the scheduler's own nomination until the status catches up; only refresh the PodInfo.
      const node = this.nominatedNode.get(info.key)!;
      this.nominated.get(node)?.set(info.key, info);
    }
  }

  // --- internals ---

  private take(q: QueuedPodInfo): QueuedPodInfo {
    this.schedulingCycle++;
    q.attempts++;
    this.inFlight.set(q.info.key, q);
    return q;
  }

  private pushActive(q: QueuedPodInfo): void {
    const w = this.waiters.shift();
    if (w) { w(this.take(q)); return; }
    this.activeQ.addOrUpdate(q);
  }

  private backoffExpiry(q: QueuedPodInfo): number {
    if (q.attempts === 0) return q.timestamp;
    const d = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(q.attempts - 1, 30));
    return q.timestamp + d;
  }

  private isBackingOff(q: QueuedPodInfo): boolean { return this.backoffExpiry(q) > this.clock.now(); }

  /** Moves pods whose back-off has ended to activeQ. */
  flushBackoffCompleted(): void {
    const now = this.clock.now();
    for (;;) {
      const q = this.backoffQ.peek();
      if (!q || this.backoffExpiry(q) > now) return;
      this.backoffQ.pop();
      this.pushActive(q);
    }
  }

  /** Retries pods unschedulable for longer than the limit. */
  flushUnschedulableLeftover(): void {
    const now = this.clock.now();
    for (const [key, q] of this.unschedulable) {
      if (now - q.timestamp < this.maxUnschedulableMs) continue;
      this.unschedulable.delete(key);
      if (this.isBackingOff(q)) this.backoffQ.addOrUpdate(q); else this.pushActive(q);
    }
  }
}

/** Shared by every node without nominated pods (the common case), so the filter loop allocates nothing. */
const NONE: readonly PodInfo[] = Object.freeze([]);

function specOrLabelsChanged(a: Pod, b: Pod): boolean {
  return JSON.stringify(a.spec) !== JSON.stringify(b.spec) || JSON.stringify(a.metadata?.labels) !== JSON.stringify(b.metadata?.labels)
    || JSON.stringify(a.metadata?.annotations) !== JSON.stringify(b.metadata?.annotations);
}
