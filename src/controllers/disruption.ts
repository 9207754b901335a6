/**
 * The disruption controller (upstream's pkg/controller/disruption): keeps
 * each PodDisruptionBudget's status current: expectedPods, desiredHealthy,
 * currentHealthy, disruptionsAllowed, observedGeneration, the
 * DisruptionAllowed condition (SufficientPods / InsufficientPods, SyncFailed
 * when the budget cannot be computed) and the disruptedPods entries that the
 * eviction subresource adds (dropped once the pod is being deleted or gone,
 * or after DELETION_TIMEOUT_MS with a NotDeleted warning).
 *
 * minAvailable as a number counts the selected pods; a percentage, or
 * maxUnavailable, is resolved against the scale of the pods' controllers
 * (ReplicationController, ReplicaSet or its Deployment, StatefulSet).
 *
 * sync(key) contract: reads the budget, pods and controllers from informer
 * caches; writes status only when it changed; re-queues itself for the
 * earliest disruptedPods expiry.
 */
import type { Pod, ReplicationController } from 'kubernetes-types/core/v1.js';
import type { Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from 'kubernetes-types/policy/v1.js';
import type { Condition, OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { Logger } from '../api/log.js';
import { deepClone, deepEqual } from '../api/object.js';
import { isPodReady } from '../api/pods/index.js';
import { formatLabelSelector, labelSelectorAsSelector } from '../api/selectors/index.js';
import { startController } from '../client/controller.js';
import type { EventRecorder } from '../client/event-recorder.js';
import type { Informer } from '../client/informer.js';
import type { InformerFactory } from '../client/informer-factory.js';
import { objectKey, splitKey } from '../client/object-store.js';
import { RESOURCES } from '../client/resource.js';
import type { RestClient } from '../client/rest-client.js';
import { WorkQueue } from '../client/work-queue.js';
import { podSelectorHandlers } from './shared/pod-handlers.js';
import { rfc3339Seconds } from '../api/time.js';

/** How long a disruptedPods entry waits for its pod's deletion (upstream's DeletionTimeout). */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;
export const DISRUPTION_ALLOWED_CONDITION = 'DisruptionAllowed';

type Store<T> = Pick<Informer<T & { metadata?: { name?: string } }>, 'store'>;

/** Where the scale of a pod's controller is read. */
export interface ScaleSources {
  replicationControllers: Store<ReplicationController>;
  replicaSets: Store<ReplicaSet>;
  deployments: Store<Deployment>;
  statefulSets: Store<StatefulSet>;
}

/** An int-or-percent resolved against `total`, rounding up (upstream's GetScaledValueFromIntOrPercent, roundUp). */
export function scaledValue(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(-?[0-9]+)%$/.exec(v);
  if (!m) {
    if (/^-?[0-9]+$/.test(v)) return Number(v);
    throw new Error(`invalid value for IntOrString: invalid value "${v}": must be an integer or a percentage`);
  }
  return Math.ceil((Number(m[1]) * total) / 100);
}

/** The controller and its scale for a pod's controller reference, or undefined when no known controller matches. */
export function controllerScale(ref: OwnerReference, namespace: string, src: ScaleSources): { uid: string; scale: number } | undefined {
  const group = ref.apiVersion.split('/').length === 2 ? ref.apiVersion.split('/')[0] : '';
  const get = <T extends { metadata?: { uid?: string } }>(s: Store<T>, name: string): T | undefined => {
    const o = s.store.get(`${namespace}/${name}`) as T | undefined;
    return o;
  };
  if (group === '' && ref.kind === 'ReplicationController') {
    const rc = get(src.replicationControllers, ref.name);
    return rc && rc.metadata?.uid === ref.uid ? { uid: ref.uid, scale: rc.spec?.replicas ?? 1 } : undefined;
  }
  if (group === 'apps' && ref.kind === 'ReplicaSet') {
    const rs = get(src.replicaSets, ref.name);
    if (!rs || rs.metadata?.uid !== ref.uid) return undefined;
    // A ReplicaSet of a Deployment counts as the Deployment.
    const owner = rs.metadata?.ownerReferences?.find((r) => r.controller);
    if (owner && owner.kind === 'Deployment' && owner.apiVersion.startsWith('apps/')) {
      const d = get(src.deployments, owner.name);
      if (d && d.metadata?.uid === owner.uid) return { uid: owner.uid, scale: d.spec?.replicas ?? 1 };
      return undefined;
    }
    return { uid: ref.uid, scale: rs.spec?.replicas ?? 1 };
  }
  if (group === 'apps' && ref.kind === 'StatefulSet') {
    const ss = get(src.statefulSets, ref.name);
    return ss && ss.metadata?.uid === ref.uid ? { uid: ref.uid, scale: ss.spec?.replicas ?? 1 } : undefined;
  }
  return undefined;
}

/** Sum of the scales of the pods' controllers, and the names of pods without a controller. */
export function expectedScale(pods: readonly Pod[], src: ScaleSources): { expected: number; unmanaged: string[] } {
  const scales = new Map<string, number>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = pod.metadata?.ownerReferences?.find((r) => r.controller);
    if (!ref) { unmanaged.push(pod.metadata!.name!); continue; }
    if (scales.has(ref.uid)) continue;
    const found = controllerScale(ref, pod.metadata!.namespace!, src);
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata!.name}"`);
    scales.set(found.uid, found.scale);
  }
  return { expected: [...scales.values()].reduce((a, b) => a + b, 0), unmanaged };
}

export interface BudgetComputation {
  status: PodDisruptionBudgetStatus;
  /** Pods selected without a controller (a percentage or maxUnavailable cannot account for them). */
  unmanaged: string[];
  /** When the earliest remaining disruptedPods entry expires (ms), if any. */
  recheckAtMs?: number;
  /** disruptedPods entries that expired with their pod still not being deleted. */
  notDeleted: string[];
}

/**
 * The budget's new status from the pods it selects. Throws when the expected
 * count cannot be computed (a pod's controller is unknown, a bad percentage).
 */
export function computeBudgetStatus(pdb: PodDisruptionBudget, pods: readonly Pod[], src: ScaleSources, nowMs: number): BudgetComputation {
  const spec = pdb.spec ?? {};
  let expectedCount: number;
  let desiredHealthy: number;
  let unmanaged: string[] = [];
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    ({ expected: expectedCount, unmanaged } = expectedScale(pods, src));
    desiredHealthy = Math.max(0, expectedCount - scaledValue(spec.maxUnavailable, expectedCount));
  } else if (typeof spec.minAvailable === 'string' && spec.minAvailable.endsWith('%')) {
    ({ expected: expectedCount, unmanaged } = expectedScale(pods, src));
    desiredHealthy = scaledValue(spec.minAvailable, expectedCount);
  } else {
    expectedCount = pods.length;
    desiredHealthy = spec.minAvailable === undefined || spec.minAvailable === null ? 0 : scaledValue(spec.minAvailable, pods.length);
  }

  // disruptedPods: keep entries of pods that still run and have not timed out.
  const disruptedPods: Record<string, string> = {};
  const notDeleted: string[] = [];
  let recheckAtMs: number | undefined;
  const recorded = pdb.status?.disruptedPods ?? {};
  const byName = new Map(pods.map((p) => [p.metadata!.name!, p]));
  for (const [name, at] of Object.entries(recorded)) {
    const pod = byName.get(name);
    if (!pod || pod.metadata?.deletionTimestamp) continue;
    const expires = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (!(expires > nowMs)) { notDeleted.push(name); continue; }
    disruptedPods[name] = at;
    recheckAtMs = recheckAtMs === undefined ? expires : Math.min(recheckAtMs, expires);
  }
  const currentHealthy = pods.filter((p) => !p.metadata?.deletionTimestamp && !(p.metadata!.name! in disruptedPods) && isPodReady(p)).length;
  // No pods expected means none may be disrupted: the budget's first pods may appear before this status is updated.
  const disruptionsAllowed = expectedCount <= 0 ? 0 : Math.max(0, currentHealthy - desiredHealthy);

  const status: PodDisruptionBudgetStatus = {
    ...(pdb.metadata?.generation !== undefined ? { observedGeneration: pdb.metadata.generation } : {}),
    ...(Object.keys(disruptedPods).length ? { disruptedPods } : {}),
    disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods: expectedCount,
    conditions: withCondition(pdb.status?.conditions, {
      type: DISRUPTION_ALLOWED_CONDITION,
      status: disruptionsAllowed > 0 ? 'True' : 'False',
      reason: disruptionsAllowed > 0 ? 'SufficientPods' : 'InsufficientPods',
      message: '',
      observedGeneration: pdb.metadata?.generation ?? 0,
    }, nowMs),
  };
  return { status, unmanaged, notDeleted, ...(recheckAtMs !== undefined ? { recheckAtMs } : {}) };
}

/** Sets `cond` in `conditions` (apimachinery's SetStatusCondition): lastTransitionTime moves only when status changes. */
export function withCondition(conditions: readonly Condition[] | undefined, cond: Omit<Condition, 'lastTransitionTime'>, nowMs: number): Condition[] {
  const out = (conditions ?? []).filter((c) => c.type !== cond.type).map((c) => ({ ...c }));
  const prev = conditions?.find((c) => c.type === cond.type);
  const lastTransitionTime = prev && prev.status === cond.status ? prev.lastTransitionTime : rfc3339Seconds(nowMs);
  return [...out, { ...cond, lastTransitionTime }];
}

export interface DisruptionControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  recorder?: EventRecorder;
  logger?: Logger;
  /** @default 1 */
  workers?: number;
  /** @default Date.now */
  now?: () => number;
}

export function startDisruptionController(opts: DisruptionControllerOptions): { stop(): Promise<void> } {
  const { client, logger, recorder } = opts;
  const now = opts.now ?? Date.now;
  const pdbs = opts.informers.forResource<PodDisruptionBudget>(RESOURCES.poddisruptionbudgets);
  const pods = opts.informers.forResource<Pod>(RESOURCES.pods);
  const src: ScaleSources = {
    replicationControllers: opts.informers.forResource<ReplicationController>(RESOURCES.replicationcontrollers),
    replicaSets: opts.informers.forResource<ReplicaSet>(RESOURCES.replicasets),
    deployments: opts.informers.forResource<Deployment>(RESOURCES.deployments),
    statefulSets: opts.informers.forResource<StatefulSet>(RESOURCES.statefulsets),
  };
  const queue = new WorkQueue<string>({ name: 'disruption' });

  pdbs.addEventHandler({ onAdd: (p) => queue.add(objectKey(p)), onUpdate: (_o, p) => queue.add(objectKey(p)) });
  const enqueueForPod = (pod: Pod): void => {
    for (const b of pdbs.store.byNamespace(pod.metadata?.namespace ?? '')) {
      if (b.spec?.selector && labelSelectorAsSelector(b.spec.selector).matches(pod.metadata?.labels ?? {})) queue.add(objectKey(b));
    }
  };
  pods.addEventHandler(podSelectorHandlers(enqueueForPod));
  // A controller's scale is part of expectedPods: re-sync the budgets of its namespace.
  const enqueueNamespace = (o: { metadata?: { namespace?: string } }): void => {
    for (const b of pdbs.store.byNamespace(o.metadata?.namespace ?? '')) queue.add(objectKey(b));
  };
  for (const inf of [src.replicationControllers, src.replicaSets, src.deployments, src.statefulSets] as Informer[]) {
    inf.addEventHandler({
      onUpdate: (o, n) => { if ((o as { spec?: { replicas?: number } }).spec?.replicas !== (n as { spec?: { replicas?: number } }).spec?.replicas) enqueueNamespace(n); },
      onDelete: enqueueNamespace,
    });
  }

  const sync = disruptionSync({ client, pdbs, pods, src, now, requeueAfter: (k, ms) => queue.addAfter(k, ms), ...(recorder ? { recorder } : {}), ...(logger ? { logger } : {}) });
  const running = startController({
    name: 'disruption', queue, sync,
    informers: [pdbs, pods, ...[src.replicationControllers, src.replicaSets, src.deployments, src.statefulSets] as Informer[]],
    workers: opts.workers ?? 1, ...(logger ? { logger } : {}),
  });
  return { stop: () => running.stop() };
}

export interface DisruptionSyncDeps {
  client: RestClient;
  pdbs: Store<PodDisruptionBudget>;
  pods: Store<Pod>;
  src: ScaleSources;
  now: () => number;
  requeueAfter: (key: string, ms: number) => void;
  recorder?: EventRecorder;
  logger?: Logger;
}

/** The controller's sync(key) for one budget (`namespace/name`). */
export function disruptionSync(deps: DisruptionSyncDeps): (key: string) => Promise<void> {
  return async (key) => {
    const pdb = deps.pdbs.store.get(key) as PodDisruptionBudget | undefined;
    if (!pdb) return;
    const { namespace } = splitKey(key);
    const selector = labelSelectorAsSelector(pdb.spec?.selector);
    const pods = (deps.pods.store.byNamespace(namespace) as Pod[]).filter((p) => selector.matches(p.metadata?.labels ?? {}));
    const nowMs = deps.now();
    if (pods.length === 0) deps.recorder?.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let status: PodDisruptionBudgetStatus;
    try {
      const r = computeBudgetStatus(pdb, pods, deps.src, nowMs);
      status = r.status;
      if (r.unmanaged.length > 0) {
        deps.recorder?.event(pdb, 'Warning', 'UnmanagedPods',
          `Pods selected by this PodDisruptionBudget (selector: ${formatLabelSelector(pdb.spec?.selector)}) were found to be unmanaged. `
          + 'As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. '
          + 'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.');
      }
      for (const name of r.notDeleted) {
        const pod = pods.find((p) => p.metadata?.name === name);
        if (pod) deps.recorder?.event({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Warning', 'NotDeleted', `Pod was expected by PDB ${key} to be deleted but it wasn't`);
      }
      if (r.recheckAtMs !== undefined) deps.requeueAfter(key, Math.max(0, r.recheckAtMs - nowMs) + 1);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      deps.recorder?.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${message}`);
      // Fail safe: allow no disruption while the budget cannot be computed.
      status = {
        ...(pdb.status ?? { currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptionsAllowed: 0 }),
        disruptionsAllowed: 0,
        conditions: withCondition(pdb.status?.conditions, {
          type: DISRUPTION_ALLOWED_CONDITION, status: 'False', reason: 'SyncFailed', message,
          observedGeneration: pdb.status?.observedGeneration ?? 0,
        }, nowMs),
      };
    }
    if (deepEqual(pdb.status ?? {}, status)) return;
    const next = deepClone(pdb);
    next.status = status;
    await deps.client.updateStatus(RESOURCES.poddisruptionbudgets, next, { namespace });
    deps.logger?.debug({ pdb: key, disruptionsAllowed: status.disruptionsAllowed }, 'updated disruption budget status');
  };
}
