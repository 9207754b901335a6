/**
 * The pod lifecycle event generator (upstream's pkg/kubelet/pleg/generic.go):
 * once a relist period (upstream's genericPlegRelistPeriod, 1 s) it lists
 * every sandbox and every container with one ListPodSandbox and one
 * ListContainers call, compares each one's state with the previous relist,
 * reads the full runtime view of the pods that changed into the pod cache,
 * and reports their events so that only those pods are synced.
 */
import type { Logger } from '../../api/log.js';
import type { RuntimeService } from '../runtime/cri/services.js';
import { readRuntimePod } from '../kuberuntime/runtime-state.js';
import { groupRuntimePods, type RuntimeContainerState, type SandboxState } from '../pod-workers/runtime-pod.js';
import type { PodCache } from './pod-cache.js';

/** Upstream's genericPlegRelistPeriod. */
export const RELIST_PERIOD_MS = 1000;

/** Upstream's PodLifeCycleEventType values that the generic PLEG emits. */
export type PodLifecycleEventType = 'ContainerStarted' | 'ContainerDied' | 'ContainerRemoved' | 'ContainerChanged';

export interface PodLifecycleEvent {
  uid: string;
  namespace: string;
  name: string;
  type: PodLifecycleEventType;
  /** The sandbox or container the event is about. */
  id: string;
}

/** Upstream's plegContainerState; a created container counts as unknown there too. */
type PlegState = 'running' | 'exited' | 'unknown';

interface PodRecord {
  namespace: string;
  name: string;
  /** Sandbox and container ids to their state. */
  states: Map<string, PlegState>;
}

export interface GenericPlegOptions {
  runtime: RuntimeService;
  /** Gets the runtime view of every pod that changed. */
  cache: PodCache;
  /** The events of one relist, ContainerChanged left out as upstream does; called after the cache holds the pods' new views. */
  onEvents: (events: PodLifecycleEvent[]) => void;
  /** @default RELIST_PERIOD_MS */
  relistPeriodMs?: number;
  logger?: Logger;
}

function sandboxState(s: SandboxState): PlegState {
  return s === 'READY' ? 'running' : 'exited';
}

function containerState(s: RuntimeContainerState): PlegState {
  return s === 'RUNNING' ? 'running' : s === 'EXITED' ? 'exited' : 'unknown';
}

/** Upstream's generateEvents: what a change of one sandbox or container from `old` to `cur` (undefined: not there) means. */
export function lifecycleEventTypes(old: PlegState | undefined, cur: PlegState | undefined): PodLifecycleEventType[] {
  if (old === cur) return [];
  switch (cur) {
    case 'running': return ['ContainerStarted'];
    case 'exited': return ['ContainerDied'];
    case 'unknown': return ['ContainerChanged'];
    default: return old === 'exited' ? ['ContainerRemoved'] : ['ContainerDied', 'ContainerRemoved'];
  }
}

/**
 * Relists on a timer once started. relist() may also be called directly
 * (tests); two relists never overlap: a call during one waits for it.
 */
export class GenericPleg {
  private records = new Map<string, PodRecord>();
  /** Pods whose view could not be read last time: read again on the next relist even without a change. */
  private reinspect = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private lastError = '';
  private readonly periodMs: number;

  constructor(private readonly o: GenericPlegOptions) {
    this.periodMs = o.relistPeriodMs ?? RELIST_PERIOD_MS;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops relisting; resolves once a relist in progress has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One relist: lists, diffs, refreshes the cache of changed pods, reports their events. Rejects if a list call fails. */
  relist(): Promise<void> {
    this.running ??= this.doRelist().finally(() => { this.running = undefined; });
    return this.running;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.relist().then(
        () => { this.lastError = ''; },
        (e: unknown) => {
          const msg = e instanceof Error ? e.message : String(e);
          // The same failure every second (runtime down) is logged once.
          if (msg !== this.lastError) this.o.logger?.warn({ err: msg }, 'PLEG relist failed');
          this.lastError = msg;
        },
      ).finally(() => { if (!this.stopped) this.schedule(this.periodMs); });
    }, ms);
  }

  private async doRelist(): Promise<void> {
    const { runtime, cache } = this.o;
    const startedAt = Date.now();
    const [sandboxes, containers] = await Promise.all([runtime.listPodSandbox(), runtime.listContainers()]);
    const current = new Map<string, PodRecord>();
    for (const [uid, pod] of groupRuntimePods(sandboxes, containers)) {
      const states = new Map<string, PlegState>();
      for (const s of pod.sandboxes) states.set(s.id, sandboxState(s.state));
      for (const c of pod.containers) states.set(c.id, containerState(c.state));
      current.set(uid, { namespace: pod.namespace, name: pod.name, states });
    }
    const events: PodLifecycleEvent[] = [];
    const reinspect = new Set<string>();
    for (const uid of new Set([...this.records.keys(), ...current.keys(), ...this.reinspect])) {
      const old = this.records.get(uid);
      const cur = current.get(uid);
      const podEvents: PodLifecycleEvent[] = [];
      const ref = cur ?? old;
      for (const id of new Set([...old?.states.keys() ?? [], ...cur?.states.keys() ?? []])) {
        for (const type of lifecycleEventTypes(old?.states.get(id), cur?.states.get(id))) {
          podEvents.push({ uid, namespace: ref?.namespace ?? '', name: ref?.name ?? '', type, id });
        }
      }
      if (podEvents.length === 0 && !this.reinspect.has(uid)) continue;
      if (cur) {
        try {
          cache.set(uid, await readRuntimePod(runtime, uid), startedAt);
        } catch (e) {
          // As upstream: the record stays as it was, so the change is seen (and the pod read) again next time.
          reinspect.add(uid);
          this.o.logger?.debug({ uid, err: e instanceof Error ? e.message : String(e) }, 'PLEG: reading the pod failed; again on the next relist');
          continue;
        }
        this.records.set(uid, cur);
      } else {
        cache.delete(uid, startedAt);
        this.records.delete(uid);
      }
      events.push(...podEvents.filter((e) => e.type !== 'ContainerChanged'));
    }
    this.reinspect = reinspect;
    if (events.length > 0) this.o.onEvents(events);
  }
}
