/**
 * The StatefulSet controller: stable pod identities and claims, ordered or
 * parallel pod management, rolling updates with partition, revisions.
 */
export { StatefulSetController, startStatefulSetController, type StatefulSetControllerOptions } from './controller.js';
export {
  STATEFULSET_POD_NAME_LABEL, POD_INDEX_LABEL, podName, claimName, ordinalOf, newStatefulSetPod,
} from './identity.js';
export { retentionOwnerRefs } from './claim-retention.js';
export { applyRevision, syncStatefulSet } from './stateful-set-control.js';
