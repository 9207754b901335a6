/**
 * What several controllers share (upstream's controller_utils.go,
 * controller_ref_manager.go, hashing): expectations, controller references
 * and claiming, pod creation from templates, template hashes.
 */
export { ControllerExpectations, type ExpectationsOptions } from './expectations.js';
export { getControllerOf, newControllerRef, claimObjects, recheckOwner, type ClaimOptions } from './controller-ref.js';
export { PodControl, podFromTemplate } from './pod-control.js';
export { computeHash, safeEncodeString } from './hash.js';
export { podSelectorHandlers } from './pod-handlers.js';
