/**
 * The garbage collector (upstream's pkg/controller/garbagecollector), a
 * client of the API only: it watches every resource that can be listed,
 * watched and deleted, keeps the graph of metadata.ownerReferences, and
 * - deletes (Background, uid precondition) objects whose owners are all
 *   confirmed absent by a live lookup, or drops the dangling references of
 *   objects that keep some owner;
 * - for owners deleted with propagationPolicy Orphan (`orphan` finalizer),
 *   removes their references from the dependents, then the finalizer;
 * - for owners deleted with Foreground (`foregroundDeletion` finalizer),
 *   deletes the dependents (Foreground) and removes the finalizer once those
 *   with blockOwnerDeletion=true are gone.
 */
export { startGarbageCollector, type GarbageCollectorOptions, type RunningGarbageCollector } from './garbage-collector.js';
export { ORPHAN_FINALIZER, FOREGROUND_FINALIZER } from './identity.js';
