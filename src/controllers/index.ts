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
export { startReplicaSetController, replicaSetDescriptor, replicationControllerDescriptor, REPLICA_SET_ADAPTER, REPLICATION_CONTROLLER_ADAPTER, type ReplicaSetControllerOptions, type RunningReplicaSetController } from './replicaset/index.js';
export { startDeploymentController, deploymentDescriptor, type DeploymentControllerOptions, type RunningDeploymentController } from './deployment/index.js';
