/**
 * One pod's way through the scheduler (upstream's schedule_one.go): the
 * synchronous scheduling cycle (PreFilter, Filter over a rotating window of
 * nodes sized by percentageOfNodesToScore, PreScore, Score, a random pick
 * among the best, assume, Reserve, Permit) and the asynchronous binding cycle
 * (PreBind, Bind, PostBind) that runs while the next pod is scheduled.
 * Failures set PodScheduled=False and record a FailedScheduling event with
 * upstream's message, then requeue the pod.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../api/log.js';
import { RESOURCES, type EventRecorder, type ObjectStoreReader, type RestClient } from '../client/index.js';
import type { SchedulerCache } from './cache.js';
import { FitError, type Diagnosis } from './fit-error.js';
import type { Framework } from './framework/framework.js';
import { CycleState } from './framework/interface.js';
import type { NodeInfo } from './framework/node-info.js';
import { newPodInfo, type PodInfo } from './framework/pod-info.js';
import { Status } from './framework/status.js';
import type { SchedulerMetrics } from './metrics.js';
import type { QueuedPodInfo, SchedulingQueue } from './queue.js';
import { nowRfc3339Seconds } from '../api/time.js';

export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
export const ERR_NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/** How many feasible nodes to look for among `numAllNodes` (upstream's numFeasibleNodesToFind). */
export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.trunc(numAllNodes / 125));
  if (pct >= 100) return numAllNodes;
  return Math.max(MIN_FEASIBLE_NODES_TO_FIND, Math.trunc((numAllNodes * pct) / 100));
}

export interface SchedulerDeps {
  cache: SchedulerCache;
  queue: SchedulingQueue;
  profiles: ReadonlyMap<string, Framework>;
  recorders: ReadonlyMap<string, EventRecorder>;
  client: RestClient;
  /** The pods informer's cache: the latest state of a pod when it is requeued. */
  pods: ObjectStoreReader<Pod & { apiVersion?: string; kind?: string }>;
  resolvePriority: (pod: Pod) => number | undefined;
  metrics: SchedulerMetrics;
  logger: Logger;
  /** Global percentageOfNodesToScore (0: adaptive). */
  percentageOfNodesToScore: number;
  /** Binding cycles in flight at once. */
  parallelism: number;
}

interface ScheduleResult { host: string; feasible: number }

export class Scheduler {
  private nextStartNodeIndex = 0;
  private bindingsInFlight = 0;
  private readonly slotWaiters: (() => void)[] = [];
  private readonly bindings = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(private readonly d: SchedulerDeps) {}

  /** Schedules pods until stop(); resolves when the loop and every binding cycle have ended. */
  async run(): Promise<void> {
    const signal = this.abort.signal;
    let lastYield = performance.now();
    while (!signal.aborted) {
      if (this.bindingsInFlight >= this.d.parallelism) await new Promise<void>((r) => this.slotWaiters.push(r));
      if (signal.aborted) break;
      const q = await this.d.queue.pop();
      if (!q) break;
      if (signal.aborted) { this.d.queue.addUnschedulableIfNotPresent(q, this.d.queue.cycle, true); break; }
      try {
        await this.scheduleOne(q);
      } catch (e) {
        this.d.logger.error({ pod: q.info.key, err: e instanceof Error ? e.stack : String(e) }, 'scheduling attempt failed unexpectedly');
        this.d.queue.addUnschedulableIfNotPresent(q, this.d.queue.cycle, true);
      }
      // Let I/O (watch events, binding replies) in between pods.
      if (performance.now() - lastYield > 5) {
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
    }
    await Promise.allSettled([...this.bindings]);
  }

  stop(): void {
    this.abort.abort();
    for (const w of this.slotWaiters.splice(0)) w();
  }

  async scheduleOne(q: QueuedPodInfo): Promise<void> {
    const { cache, queue } = this.d;
    const pod = q.info.pod;
    const fwk = this.d.profiles.get(pod.spec?.schedulerName ?? 'default-scheduler');
    if (!fwk || pod.metadata?.deletionTimestamp || cache.hasPod(q.info.key)) {
      queue.done(q.info.key);
      return;
    }
    const cycle = queue.cycle;
    const started = performance.now();
    const state = new CycleState();
    let result: ScheduleResult;
    try {
      result = this.schedulePod(fwk, state, q.info);
    } catch (e) {
      if (e instanceof FitError) {
        let nominated: string | undefined;
        if (fwk.postFilter.length) {
          this.d.metrics.preemptionAttempts.inc();
          const pf = await fwk.runPostFilterPlugins(state, q.info, e.diagnosis.nodeToStatus);
          if (pf.status?.message()) e.diagnosis.postFilterMsg = pf.status.message();
          nominated = pf.result?.nominatedNodeName;
        }
        this.observe(fwk, 'unschedulable', started);
        this.failure(fwk, q, cycle, new Status('Unschedulable', [e.describe()]), e.diagnosis, nominated);
        return;
      }
      this.observe(fwk, 'error', started);
      this.failure(fwk, q, cycle, new Status('Error', [e instanceof Error ? e.message : String(e)]));
      return;
    }

    const assumed: PodInfo = { ...q.info, pod: { ...pod, spec: { ...pod.spec!, nodeName: result.host } } };
    cache.assumePod(assumed, result.host);
    const reserve = fwk.runReservePlugins(state, assumed, result.host);
    if (reserve) {
      fwk.runUnreservePlugins(state, assumed, result.host);
      cache.forgetPod(assumed.key);
      this.observe(fwk, reserve.isRejected() ? 'unschedulable' : 'error', started);
      this.failure(fwk, q, cycle, reserve);
      return;
    }
    const permit = fwk.runPermitPlugins(state, assumed, result.host);
    if (permit.status && permit.status.code !== 'Wait') {
      fwk.runUnreservePlugins(state, assumed, result.host);
      cache.forgetPod(assumed.key);
      this.observe(fwk, permit.status.isRejected() ? 'unschedulable' : 'error', started);
      this.failure(fwk, q, cycle, permit.status);
      return;
    }
    queue.deleteNomination(assumed.key);
    this.bindingsInFlight++;
    const p = this.bindingCycle(fwk, state, q, assumed, result.host, started, cycle).finally(() => {
      this.bindingsInFlight--;
      this.bindings.delete(p);
      this.slotWaiters.shift()?.();
    });
    this.bindings.add(p);
  }

  /** Filters and scores; throws FitError when no node fits, Error on internal failure. */
  schedulePod(fwk: Framework, state: CycleState, pod: PodInfo): ScheduleResult {
    const nodes = this.d.cache.nodes();
    if (nodes.length === 0) throw new Error(ERR_NO_NODES_AVAILABLE);
    const feasible = this.findNodesThatFitPod(fwk, state, pod, nodes);
    if (feasible.length === 1) return { host: feasible[0]!.name, feasible: 1 };
    const pre = fwk.runPreScorePlugins(state, pod, feasible);
    if (pre) throw new Error(pre.message());
    const scores = fwk.runScorePlugins(state, pod, feasible);
    // The best score; ties broken uniformly at random (reservoir sampling).
    let best = scores[0]!;
    let ties = 1;
    for (let i = 1; i < scores.length; i++) {
      const s = scores[i]!;
      if (s.total > best.total) { best = s; ties = 1; } else if (s.total === best.total && Math.random() * ++ties < 1) best = s;
    }
    return { host: best.name, feasible: feasible.length };
  }

  private findNodesThatFitPod(fwk: Framework, state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): NodeInfo[] {
    const diagnosis: Diagnosis = { nodeToStatus: new Map(), unschedulablePlugins: new Set() };
    const pre = fwk.runPreFilterPlugins(state, pod);
    if (pre) {
      if (!pre.isRejected()) throw new Error(pre.message());
      for (const n of nodes) diagnosis.nodeToStatus.set(n.name, pre);
      diagnosis.preFilterMsg = pre.message();
      diagnosis.unschedulablePlugins.add(pre.plugin);
      throw new FitError(nodes.length, diagnosis);
    }
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated) {
      const n = this.d.cache.get(nominated);
      if (n && !fwk.runFilterWithNominatedPods(state, pod, n)) return [n];
    }
    const want = numFeasibleNodesToFind(fwk.percentageOfNodesToScore ?? this.d.percentageOfNodesToScore, nodes.length);
    const feasible: NodeInfo[] = [];
    const total = nodes.length;
    let i = 0;
    for (; i < total && feasible.length < want; i++) {
      const n = nodes[(this.nextStartNodeIndex + i) % total]!;
      const s = fwk.runFilterWithNominatedPods(state, pod, n);
      if (!s) { feasible.push(n); continue; }
      if (s.code === 'Error') throw new Error(s.message());
      diagnosis.nodeToStatus.set(n.name, s);
      diagnosis.unschedulablePlugins.add(s.plugin);
    }
    this.nextStartNodeIndex = (this.nextStartNodeIndex + i) % total;
    if (feasible.length === 0) throw new FitError(total, diagnosis);
    return feasible;
  }

  private async bindingCycle(fwk: Framework, state: CycleState, q: QueuedPodInfo, assumed: PodInfo, host: string,
    started: number, cycle: number): Promise<void> {
    const { cache, queue } = this.d;
    let s = await fwk.runPreBindPlugins(state, assumed, host, this.abort.signal).catch((e: unknown) => new Status('Error', [String(e)]));
    if (!s) s = await fwk.runBindPlugins(state, assumed, host);
    if (s) {
      fwk.runUnreservePlugins(state, assumed, host);
      cache.forgetPod(assumed.key);
      this.observe(fwk, 'error', started);
      this.d.logger.debug({ pod: assumed.key, node: host, err: s.message() }, 'binding failed');
      this.failure(fwk, q, cycle, new Status('Error', [`binding rejected: ${s.message()}`]));
      return;
    }
    queue.done(assumed.key);
    fwk.runPostBindPlugins(state, assumed, host);
    this.observe(fwk, 'scheduled', started);
    this.d.metrics.podSchedulingSli.observe({ attempts: String(q.attempts) }, (Date.now() - q.initialAttemptTimestamp) / 1000);
    const m = assumed.pod.metadata!;
    this.d.recorders.get(fwk.schedulerName)?.event(asObject(assumed.pod), 'Normal', 'Scheduled', `Successfully assigned ${m.namespace}/${m.name} to ${host}`);
  }

  private observe(fwk: Framework, result: 'scheduled' | 'unschedulable' | 'error', started: number): void {
    const secs = (performance.now() - started) / 1000;
    const labels = { result, profile: fwk.schedulerName };
    this.d.metrics.scheduleAttempts.inc(labels);
    this.d.metrics.attemptDuration.observe(labels, secs);
    this.d.metrics.e2eDuration.observe(labels, secs);
  }

  /**
   * Requeues the pod (as it now is in the informer; not at all if it was
   * deleted or bound meanwhile), records the nomination, the event and the
   * PodScheduled=False condition.
   */
  private failure(fwk: Framework, q: QueuedPodInfo, cycle: number, status: Status, diagnosis?: Diagnosis, nominatedNodeName?: string): void {
    const { queue } = this.d;
    const key = q.info.key;
    const latest = this.d.pods.get(key);
    if (!latest || latest.spec?.nodeName || latest.metadata?.uid !== q.info.pod.metadata?.uid) {
      queue.done(key);
    } else {
      if (latest !== q.info.pod) q.info = newPodInfo(latest, this.d.resolvePriority);
      q.unschedulablePlugins = diagnosis?.unschedulablePlugins ?? new Set();
      queue.addUnschedulableIfNotPresent(q, cycle, !status.isRejected());
    }
    if (nominatedNodeName !== undefined) queue.nominate(q.info, nominatedNodeName);
    const pod = latest ?? q.info.pod;
    const msg = status.message();
    const reason = status.isRejected() ? 'Unschedulable' : 'SchedulerError';
    this.d.recorders.get(fwk.schedulerName)?.event(asObject(pod), 'Warning', 'FailedScheduling', msg);
    if (!latest) return;
    void this.updatePodStatus(latest, reason, msg, nominatedNodeName);
  }

  private async updatePodStatus(pod: Pod, reason: string, message: string, nominatedNodeName: string | undefined): Promise<void> {
    const cur = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const sameCond = cur?.status === 'False' && cur.reason === reason && cur.message === message;
    const nominatedChanged = nominatedNodeName !== undefined && (pod.status?.nominatedNodeName ?? '') !== nominatedNodeName;
    if (sameCond && !nominatedChanged) return;
    const now = nowRfc3339Seconds();
    const status: Record<string, unknown> = {
      conditions: [{ type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null,
        lastTransitionTime: cur?.status === 'False' && cur.lastTransitionTime ? cur.lastTransitionTime : now }],
    };
    if (nominatedChanged) status['nominatedNodeName'] = nominatedNodeName || null;
    try {
      await this.d.client.patch(RESOURCES.pods, pod.metadata!.name!, { status }, { namespace: pod.metadata!.namespace!, subresource: 'status', type: 'strategic' });
    } catch (e) {
      this.d.logger.debug({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, err: e instanceof Error ? e.message : String(e) }, 'updating pod status failed');
    }
  }
}

function asObject(pod: Pod): Pod & { apiVersion: string; kind: string } {
  return { ...pod, apiVersion: 'v1', kind: 'Pod' };
}
