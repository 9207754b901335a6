/**
 * One reconciliation of a StatefulSet (upstream's defaultStatefulSetControl):
 * revisions first (the update revision for the current template, the
 * current revision from status), then pods in ordinal order: recreate failed
 * ones, create missing ones from the revision their ordinal belongs to,
 * delete those beyond replicas from the highest ordinal down, and for
 * RollingUpdate replace the highest-ordinal pod not at the update revision,
 * down to the partition. OrderedReady stops at the first pod that is not
 * Running and Ready; Parallel does not wait. Then status and history.
 */
import type { ControllerRevision, StatefulSet, StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { deepClone, deepEqual } from '../../api/object.js';
import { isPodAvailable, isPodReady } from '../../api/pods/index.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { RestClient } from '../../client/rest-client.js';
import {
  CONTROLLER_REVISION_HASH_LABEL, createControllerRevision, deleteRevision, newControllerRevision, nextRevision,
  sortRevisions, templateOfRevision, templatePatch, updateRevisionNumber,
} from '../history/index.js';
import { identityMatches, newStatefulSetPod, ordinalOf, podRevision, storageMatches } from './identity.js';
import type { StatefulPodControl } from './stateful-pod-control.js';

const isCreated = (p: Pod | undefined): p is Pod => p?.metadata?.uid !== undefined;
const isFailed = (p: Pod): boolean => p.status?.phase === 'Failed';
const isSucceeded = (p: Pod): boolean => p.status?.phase === 'Succeeded';
const isTerminating = (p: Pod): boolean => !!p.metadata?.deletionTimestamp;
const isRunningAndReady = (p: Pod): boolean => p.status?.phase === 'Running' && isPodReady(p);
const isHealthy = (p: Pod): boolean => isRunningAndReady(p) && !isTerminating(p);

/** `set` with the template a revision recorded. */
export function applyRevision(set: StatefulSet, rev: ControllerRevision): StatefulSet {
  const out = deepClone(set);
  out.spec!.template = templateOfRevision(rev) ?? out.spec!.template;
  return out;
}

export interface StatefulSetControlDeps {
  client: RestClient;
  recorder: EventRecorder;
  podControl: StatefulPodControl;
  now: () => number;
}

export interface SyncResult {
  status: StatefulSetStatus;
  /** Some ready pod is not yet available (minReadySeconds): look again later. */
  waitingForAvailability: boolean;
}

export async function syncStatefulSet(set: StatefulSet, pods: readonly Pod[], revisions: readonly ControllerRevision[],
  deps: StatefulSetControlDeps): Promise<SyncResult> {
  const history = sortRevisions(revisions);
  const { current, update, collisionCount } = await statefulSetRevisions(set, history, deps.client);
  const result = await updatePods(set, current, update, collisionCount, pods, deps);
  await truncateHistory(set, pods, history, current, update, deps.client);
  return result;
}

async function statefulSetRevisions(set: StatefulSet, history: readonly ControllerRevision[], client: RestClient): Promise<{
  current: ControllerRevision; update: ControllerRevision; collisionCount: number;
}> {
  let collisionCount = set.status?.collisionCount ?? 0;
  const patch = templatePatch(set.spec?.template);
  const equal = history.filter((r) => deepEqual(r.data, patch));
  const next = nextRevision(history);
  let update: ControllerRevision;
  const lastEqual = equal[equal.length - 1];
  if (lastEqual && lastEqual === history[history.length - 1]) {
    update = lastEqual;
  } else if (lastEqual) {
    update = await updateRevisionNumber(client, lastEqual, next);
  } else {
    const rev = newControllerRevision(set, patch, next, {
      apiVersion: 'apps/v1', kind: 'StatefulSet', templateLabels: set.spec?.template?.metadata?.labels,
      annotations: set.metadata?.annotations, collisionCount,
    });
    const created = await createControllerRevision(client, set, rev, collisionCount);
    update = created.revision;
    collisionCount = created.collisionCount;
  }
  const current = history.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
  return { current, update, collisionCount };
}

/** Whether `ordinal` keeps the current revision under a RollingUpdate partition. */
function belowPartition(set: StatefulSet, ordinal: number): boolean {
  const us = set.spec?.updateStrategy;
  if ((us?.type ?? 'RollingUpdate') !== 'RollingUpdate') return false;
  const start = set.spec?.ordinals?.start ?? 0;
  const partition = us?.rollingUpdate?.partition;
  if (partition === undefined) return ordinal - start < (set.status?.currentReplicas ?? 0);
  return ordinal < partition + start;
}

async function updatePods(set: StatefulSet, currentRev: ControllerRevision, updateRev: ControllerRevision, collisionCount: number,
  pods: readonly Pod[], deps: StatefulSetControlDeps): Promise<SyncResult> {
  const currentSet = applyRevision(set, currentRev);
  const updateSet = applyRevision(set, updateRev);
  const currentName = currentRev.metadata!.name!;
  const updateName = updateRev.metadata!.name!;
  const now = deps.now();
  const minReady = set.spec?.minReadySeconds ?? 0;
  const start = set.spec?.ordinals?.start ?? 0;
  const replicaCount = set.spec?.replicas ?? 1;
  const monotonic = (set.spec?.podManagementPolicy ?? 'OrderedReady') !== 'Parallel';

  const status: StatefulSetStatus = {
    observedGeneration: set.metadata?.generation, currentRevision: currentName, updateRevision: updateName, collisionCount,
    replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0,
  };
  let waitingForAvailability = false;
  const replicas: (Pod | undefined)[] = new Array(replicaCount).fill(undefined);
  const condemned: Pod[] = [];
  const count = (p: Pod, sign: 1 | -1): void => {
    status.replicas += sign;
    if (isRunningAndReady(p)) {
      status.readyReplicas! += sign;
      if (isPodAvailable(p, minReady, now)) status.availableReplicas! += sign;
      else waitingForAvailability = true;
    }
    if (!isTerminating(p)) {
      if (podRevision(p) === currentName) status.currentReplicas! += sign;
      if (podRevision(p) === updateName) status.updatedReplicas! += sign;
    }
  };
  for (const p of pods) {
    count(p, 1);
    const ord = ordinalOf(set, p);
    if (ord >= start && ord < start + replicaCount) replicas[ord - start] = p;
    else if (ord >= 0) condemned.push(p);
  }
  const newPod = (ord: number): Pod => (belowPartition(currentSet, ord)
    ? newStatefulSetPod(currentSet, ord, currentName)
    : newStatefulSetPod(updateSet, ord, updateName));
  for (let i = 0; i < replicaCount; i++) replicas[i] ??= newPod(i + start);
  condemned.sort((a, b) => ordinalOf(set, b) - ordinalOf(set, a));
  const done = (): SyncResult => ({ status: finishStatus(set, status), waitingForAvailability });

  if (set.metadata?.deletionTimestamp) return done();
  const firstUnhealthy = [...replicas, ...condemned].find((p) => !isCreated(p) || !isHealthy(p));

  // Pods whose claims must change owner before anything else (scale-down with whenScaled Delete).
  for (const p of condemned) {
    if (!deps.podControl.claimsMatchRetentionPolicy(updateSet, p, false)) {
      await deps.podControl.updateClaimsForRetentionPolicy(updateSet, p, false);
    }
  }

  for (let i = 0; i < replicaCount; i++) {
    const pod = replicas[i]!;
    if (isCreated(pod) && (isFailed(pod) || isSucceeded(pod)) && !isTerminating(pod)) {
      deps.recorder.event(set, 'Warning', isFailed(pod) ? 'RecreatingFailedPod' : 'RecreatingTerminatedPod',
        `StatefulSet ${set.metadata!.namespace}/${set.metadata!.name} is recreating ${isFailed(pod) ? 'failed' : 'terminated'} Pod ${pod.metadata!.name}`);
      await deps.podControl.deletePod(set, pod);
      count(pod, -1);
      if (monotonic) return done();
      continue;
    }
    if (!isCreated(pod)) {
      await deps.podControl.createPod(set, pod, true);
      status.replicas++;
      if (podRevision(pod) === currentName) status.currentReplicas!++;
      if (podRevision(pod) === updateName) status.updatedReplicas!++;
      if (monotonic) return done();
      continue;
    }
    if (isTerminating(pod)) {
      if (monotonic) return done();
      continue;
    }
    if (!isRunningAndReady(pod) && monotonic) return done();
    if (!isPodAvailable(pod, minReady, now) && monotonic) return done();
    const retentionOk = deps.podControl.claimsMatchRetentionPolicy(updateSet, pod, true);
    if (identityMatches(set, pod) && storageMatches(set, pod) && retentionOk) continue;
    if (!retentionOk) await deps.podControl.updateClaimsForRetentionPolicy(updateSet, pod, true);
    if (!identityMatches(set, pod) || !storageMatches(set, pod)) await deps.podControl.updatePod(updateSet, pod, true);
  }

  for (const pod of condemned) {
    if (isTerminating(pod)) {
      if (monotonic) return done();
      continue;
    }
    if (!isRunningAndReady(pod) && monotonic && pod !== firstUnhealthy) return done();
    await deps.podControl.deletePod(set, pod);
    if (monotonic) return done();
  }

  if ((set.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return done();
  const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  for (let target = replicaCount - 1; target >= partition; target--) {
    const pod = replicas[target]!;
    if (podRevision(pod) !== updateName && !isTerminating(pod)) {
      await deps.podControl.deletePod(set, pod);
      if (podRevision(pod) === currentName) status.currentReplicas!--;
      return done();
    }
    if (!isHealthy(pod)) return done();
  }
  return done();
}

/** A finished rolling update makes the update revision current (upstream's completeRollingUpdate). */
function finishStatus(set: StatefulSet, status: StatefulSetStatus): StatefulSetStatus {
  if ((set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate'
    && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    return { ...status, currentRevision: status.updateRevision, currentReplicas: status.updatedReplicas };
  }
  return status;
}

/** Deletes the oldest revisions beyond revisionHistoryLimit that no pod runs and that are neither current nor update. */
async function truncateHistory(set: StatefulSet, pods: readonly Pod[], history: readonly ControllerRevision[],
  current: ControllerRevision, update: ControllerRevision, client: RestClient): Promise<void> {
  const live = new Set<string>([current.metadata!.name!, update.metadata!.name!]);
  for (const p of pods) {
    const r = p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
    if (r) live.add(r);
  }
  const dead = history.filter((r) => !live.has(r.metadata!.name!));
  const limit = set.spec?.revisionHistoryLimit ?? 10;
  for (const r of dead.slice(0, Math.max(0, dead.length - limit))) await deleteRevision(client, r);
}
