/**
 * ControllerRevision history shared by the DaemonSet and StatefulSet
 * controllers (upstream's pkg/controller/history).
 */
export {
  CONTROLLER_REVISION_HASH_LABEL, controllerRevisionName, templatePatch, templateOfRevision, hashRevisionData,
  newControllerRevision, equalRevision, sortRevisions, nextRevision, type NewRevisionOptions,
} from './revision.js';
export {
  createControllerRevision, updateRevisionNumber, deleteRevision, claimRevisions,
  type CreatedRevision, type ClaimRevisionsOptions,
} from './history.js';
