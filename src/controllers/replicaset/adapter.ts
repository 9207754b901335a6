/**
 * One ReplicaSet controller serves two kinds: apps/v1 ReplicaSet (a
 * metav1.LabelSelector) and core/v1 ReplicationController (a plain label
 * map). A ReplicaSetAdapter is what differs between them.
 */
import type { ReplicaSet, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec, ReplicationController } from 'kubernetes-types/core/v1.js';
import type { ApiObject } from '../../client/api-object.js';
import { RESOURCES, type ResourceDescriptor } from '../../client/resource.js';
import { NOTHING, labelSelectorAsSelector, selectorFromSet, type LabelSelectorMatcher } from '../../api/selectors/index.js';

/** Status fields both kinds share (their status types have the same shape). */
export type ReplicaStatus = ReplicaSetStatus;

/**
 * Reads one kind of replicated-pods object. Pure: never mutates `obj`, never
 * does I/O.
 */
export interface ReplicaSetAdapter {
  /** The controller's name (queue, logs) and the --controllers alias. */
  readonly name: string;
  readonly resource: ResourceDescriptor;
  readonly apiVersion: string;
  readonly kind: string;
  /** The pods' selector; NOTHING when unset or invalid (the object then owns no pods). */
  selector(obj: ApiObject): LabelSelectorMatcher;
  template(obj: ApiObject): PodTemplateSpec | undefined;
  /** spec.replicas, 1 when unset (the server's default). */
  replicas(obj: ApiObject): number;
  minReadySeconds(obj: ApiObject): number;
  status(obj: ApiObject): ReplicaStatus;
}

const safe = (fn: () => LabelSelectorMatcher): LabelSelectorMatcher => {
  try { return fn(); } catch { return NOTHING; }
};

export const REPLICA_SET_ADAPTER: ReplicaSetAdapter = {
  name: 'replicaset',
  resource: RESOURCES.replicasets,
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  selector: (o) => safe(() => labelSelectorAsSelector((o as unknown as ReplicaSet).spec?.selector)),
  template: (o) => (o as unknown as ReplicaSet).spec?.template,
  replicas: (o) => (o as unknown as ReplicaSet).spec?.replicas ?? 1,
  minReadySeconds: (o) => (o as unknown as ReplicaSet).spec?.minReadySeconds ?? 0,
  status: (o) => (o as unknown as ReplicaSet).status ?? {} as ReplicaStatus,
};

export const REPLICATION_CONTROLLER_ADAPTER: ReplicaSetAdapter = {
  name: 'replicationcontroller',
  resource: RESOURCES.replicationcontrollers,
  apiVersion: 'v1',
  kind: 'ReplicationController',
  selector: (o) => {
    const sel = (o as unknown as ReplicationController).spec?.selector;
    return sel && Object.keys(sel).length > 0 ? selectorFromSet(sel) : NOTHING;
  },
  template: (o) => (o as unknown as ReplicationController).spec?.template,
  replicas: (o) => (o as unknown as ReplicationController).spec?.replicas ?? 1,
  minReadySeconds: (o) => (o as unknown as ReplicationController).spec?.minReadySeconds ?? 0,
  status: (o) => ((o as unknown as ReplicationController).status ?? {}) as ReplicaStatus,
};
