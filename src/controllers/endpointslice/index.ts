/** The EndpointSlice controller: desired endpoints per Service, the low-churn reconciler, and the control loop. */
export {
  startEndpointSliceController, endpointSliceSync, managedSliceService, StaleCacheError, DEFAULT_MAX_ENDPOINTS_PER_SLICE,
  type EndpointSliceControllerOptions, type EndpointSliceConfig, type EndpointSliceSyncDeps,
} from './endpointslice-controller.js';
export { reconcileSlices, sliceLabels, SERVICE_NAME_LABEL, MANAGED_BY_LABEL, CONTROLLER_NAME, type ReconcileInput, type ReconcilePlan } from './reconciler.js';
export { desiredPortGroups, endpointForPod, endpointPorts, endpointKey, portSetKey, ZONE_LABEL, type PortGroup } from './desired-endpoints.js';
