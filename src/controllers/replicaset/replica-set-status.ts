/**
 * A ReplicaSet's (or ReplicationController's) status from the pods it owns
 * (upstream's calculateStatus): replicas, fullyLabeledReplicas (pods that
 * carry every template label), readyReplicas, availableReplicas (ready for
 * minReadySeconds), and the ReplicaFailure condition while creating or
 * deleting pods fails.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { deepClone, deepEqual } from '../../api/object.js';
import { isPodAvailable, isPodReady } from '../../api/pods/index.js';
import type { ReplicaStatus } from './adapter.js';
import { nowRfc3339Seconds } from '../../api/time.js';

export const REPLICA_FAILURE = 'ReplicaFailure';

export interface StatusInput {
  status: ReplicaStatus;
  replicas: number;
  minReadySeconds: number;
  templateLabels: Readonly<Record<string, string>> | undefined;
  /** The active pods the object owns. */
  pods: readonly Pod[];
  /** The error of this sync's create/delete round, if any. */
  manageError?: unknown;
  now?: number;
}


export function calculateReplicaStatus(input: StatusInput): ReplicaStatus {
  const status = deepClone(input.status);
  const now = input.now ?? Date.now();
  const template = Object.entries(input.templateLabels ?? {});
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of input.pods) {
    const labels = pod.metadata?.labels ?? {};
    if (template.every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, input.minReadySeconds, now)) available++;
    }
  }
  const failure = status.conditions?.find((c) => c.type === REPLICA_FAILURE);
  if (input.manageError !== undefined && !failure) {
    const diff = input.pods.length - input.replicas;
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const message = input.manageError instanceof Error ? input.manageError.message : String(input.manageError);
    status.conditions = [...(status.conditions ?? []),
      { type: REPLICA_FAILURE, status: 'True', reason, message, lastTransitionTime: nowRfc3339Seconds() }];
  } else if (input.manageError === undefined && failure) {
    status.conditions = status.conditions!.filter((c) => c.type !== REPLICA_FAILURE);
    if (status.conditions.length === 0) delete status.conditions;
  }
  status.replicas = input.pods.length;
  status.fullyLabeledReplicas = fullyLabeled;
  status.readyReplicas = ready;
  status.availableReplicas = available;
  return status;
}

/** Whether `next` differs from what the object shows (counts, conditions, or an unobserved generation). */
export function replicaStatusChanged(current: ReplicaStatus, next: ReplicaStatus, generation: number): boolean {
  return (current.replicas ?? 0) !== (next.replicas ?? 0)
    || (current.fullyLabeledReplicas ?? 0) !== (next.fullyLabeledReplicas ?? 0)
    || (current.readyReplicas ?? 0) !== (next.readyReplicas ?? 0)
    || (current.availableReplicas ?? 0) !== (next.availableReplicas ?? 0)
    || (current.observedGeneration ?? 0) !== generation
    || !deepEqual(current.conditions ?? [], next.conditions ?? []);
}
