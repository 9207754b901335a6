/**
 * The Endpoints controller, and the pod-as-backend facts it shares with the
 * EndpointSlice controller.
 */
export {
  startEndpointsController, endpointsSync, desiredSubsets, truncateSubsets, endpointsLabels,
  HEADLESS_LABEL, OVER_CAPACITY_ANNOTATION, MAX_ENDPOINTS_CAPACITY,
  type EndpointsControllerOptions, type EndpointsSyncDeps,
} from './endpoints-controller.js';
export { shouldPodBeInEndpoints, findPort, podHostname, serviceSelects, serviceSelectsPods, isServiceIPSet, podIPv4, servicesSelecting } from './pod-endpoint.js';
export { repackSubsets, countAddresses, cmpIP, type AddressPort } from './subsets.js';
export { TriggerTimeTracker, LAST_CHANGE_TRIGGER_TIME, podTriggerTime } from './trigger-time.js';
