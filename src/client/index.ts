/**
 * The client every component uses to talk to the API server, and nothing
 * else: kubeconfig loading, typed REST calls (RestClient), informers (list +
 * watch + local cache), work queues with rate limiting, the controller
 * runner, discovery, and leader election on Leases.
 */
export type { ApiObject } from './api-object.js';
export { loadKubeconfig, parseKubeconfig, defaultKubeconfigPath, type ConnectionConfig } from './kubeconfig.js';
export { RESOURCES, resourceDescriptor, resourcePath, groupVersionPath, apiVersionOf, type ResourceDescriptor } from './resource.js';
export {
  RestClient, type RestClientOptions, type ObjectList, type ListOptions, type WatchOptions, type WriteOptions,
  type PatchOptions, type PatchType, type DeleteRequestOptions, type RequestOptions,
} from './rest-client.js';
export type { WatchEvent, WatchStream } from './watch-stream.js';
export { responseToError, statusToError } from './status-error.js';
export { ObjectStore, objectKey, splitKey, NAMESPACE_INDEX, type ObjectStoreReader, type IndexFunc } from './object-store.js';
export { Informer, type InformerOptions, type InformerEventHandlers } from './informer.js';
export { InformerFactory } from './informer-factory.js';
export { WorkQueue, type WorkQueueOptions } from './work-queue.js';
export { ItemExponentialRateLimiter, type RateLimiter } from './rate-limiter.js';
export { queueMetrics, type QueueMetrics } from './queue-metrics.js';
export { realClock, FakeClock, sleep, type Clock, type TimerHandle } from './clock.js';
export { EventRecorder, objectReference, type EventRecorderOptions, type EventType } from './event-recorder.js';
export { startController, type ControllerOptions, type SyncableInformer, type RunningController } from './controller.js';
export { LeaderElector, startLeaderElection, microTime, type LeaderElectionOptions } from './leader-election.js';
export { serverPreferredResources, parseGroupVersion, GroupDiscoveryFailedError, type DiscoveredResource, type DiscoveryResult } from './discovery.js';
