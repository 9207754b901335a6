/**
 * The ReplicaSet and ReplicationController controllers: one sync over an
 * adapter per kind. Register with `replicaSetDescriptor` and
 * `replicationControllerDescriptor` (upstream's --controllers aliases
 * `replicaset` and `replicationcontroller`).
 */
import { EventRecorder } from '../../client/event-recorder.js';
import type { ControllerDescriptor } from '../context.js';
import { REPLICATION_CONTROLLER_ADAPTER, REPLICA_SET_ADAPTER } from './adapter.js';
import { startReplicaSetController } from './replica-set-controller.js';

export { REPLICA_SET_ADAPTER, REPLICATION_CONTROLLER_ADAPTER, type ReplicaSetAdapter, type ReplicaStatus } from './adapter.js';
export { startReplicaSetController, type ReplicaSetControllerOptions, type RunningReplicaSetController } from './replica-set-controller.js';
export { podsToDelete, comparePodsForDeletion, POD_DELETION_COST_ANNOTATION } from './active-pods.js';
export { slowStartBatch } from './slow-start.js';
export { calculateReplicaStatus, replicaStatusChanged, REPLICA_FAILURE } from './replica-set-status.js';

export const replicaSetDescriptor: ControllerDescriptor = {
  name: 'replicaset',
  start: (ctx) => startReplicaSetController({
    client: ctx.client, informers: ctx.informers, recorder: ctx.recorder, logger: ctx.logger,
    adapter: REPLICA_SET_ADAPTER, workers: ctx.config.concurrentSyncs,
  }),
};

/** Upstream's ReplicationManager records its Events as `replication-controller`. */
export const replicationControllerDescriptor: ControllerDescriptor = {
  name: 'replicationcontroller',
  start: (ctx) => startReplicaSetController({
    client: ctx.client, informers: ctx.informers, logger: ctx.logger,
    recorder: new EventRecorder({ client: ctx.client, component: 'replication-controller', logger: ctx.logger }),
    adapter: REPLICATION_CONTROLLER_ADAPTER, workers: ctx.config.concurrentSyncs,
  }),
};
