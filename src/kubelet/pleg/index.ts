/**
 * The kubelet's view of the runtime between syncs (upstream's pkg/kubelet/pleg
 * and the pod cache): one relist a second finds the pods whose sandboxes or
 * containers changed, keeps their runtime view in a cache, and has only
 * those synced.
 */
export { GenericPleg, RELIST_PERIOD_MS, lifecycleEventTypes, type GenericPlegOptions, type PodLifecycleEvent, type PodLifecycleEventType } from './generic-pleg.js';
export { PodCache, type CachedRuntimePod } from './pod-cache.js';
export { recordRuntimeWrites, type RecordedRuntime } from './runtime-writes.js';
