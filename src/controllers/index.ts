/**
 * Controllers: one file per control loop, each a sync(key) over shared
 * informers, reading through the cache and writing only through the API
 * client; manager.ts starts those in registry.ts under leader election.
 */
export { startControllerManager, selectControllers, type ControllerManagerOptions, type RunningControllerManager } from './manager.js';
export { CONTROLLERS } from './registry.js';
export { DEFAULT_CONTROLLER_MANAGER_CONFIG, type ControllerContext, type ControllerDescriptor, type ControllerManagerConfig } from './context.js';
export { startNamespaceController, namespaceSync, type NamespaceControllerOptions, type NamespaceSyncOptions } from './namespace.js';
export { NamespacedResourcesDeleter, ResourcesRemainingError, KUBERNETES_FINALIZER, type NamespaceDeleterOptions } from './namespace-deleter.js';
export { NamespaceConditionUpdater, CONDITION_TYPES, type NamespaceConditionType, type ContentTotals } from './namespace-conditions.js';
export { startGarbageCollector, ORPHAN_FINALIZER, FOREGROUND_FINALIZER, type GarbageCollectorOptions, type RunningGarbageCollector } from './garbage-collector/index.js';
export { startNodeLifecycleController, startTaintEvictionController, type NodeLifecycleControllerOptions, type TaintEvictionControllerOptions } from './nodelifecycle/index.js';
export { startPersistentVolumeController, type PersistentVolumeControllerOptions } from './volume/index.js';
export { startJobController, type JobControllerOptions } from './job/index.js';
export { startCronJobController, parseCronSchedule, type CronJobControllerOptions, type CronSchedule } from './cronjob/index.js';
export { startTtlAfterFinishedController, jobExpiresAt, type TtlAfterFinishedOptions } from './ttl-after-finished.js';
export { startEndpointsController, type EndpointsControllerOptions } from './endpoint/index.js';
export { startEndpointSliceController, DEFAULT_MAX_ENDPOINTS_PER_SLICE, type EndpointSliceControllerOptions, type EndpointSliceConfig } from './endpointslice/index.js';
export { startServiceAccountController, type ServiceAccountControllerOptions } from './serviceaccount.js';
export { startResourceQuotaController, type ResourceQuotaControllerOptions } from './resourcequota/index.js';
export { startDisruptionController, type DisruptionControllerOptions } from './disruption.js';
export { startDaemonSetController, DaemonSetController, type DaemonSetControllerOptions } from './daemonset/index.js';
export { startStatefulSetController, StatefulSetController, type StatefulSetControllerOptions } from './statefulset/index.js';
export { startReplicaSetController, replicaSetDescriptor, replicationControllerDescriptor, REPLICA_SET_ADAPTER, REPLICATION_CONTROLLER_ADAPTER, type ReplicaSetControllerOptions, type RunningReplicaSetController } from './replicaset/index.js';
export { startDeploymentController, deploymentDescriptor, type DeploymentControllerOptions, type RunningDeploymentController } from './deployment/index.js';
export { startNodeIpamController, nodeIpamParams, CidrSet, type NodeIpamControllerOptions, type NodeIpamFlags, type NodeIpamParams } from './nodeipam/index.js';
