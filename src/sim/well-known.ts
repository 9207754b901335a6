/** Label and annotation names the simulator sets and obeys. */

export { SIMULATED_LABEL } from '../api/nodes/simulated.js';
/** On a node: `"true"` stops its heartbeats and its pods' stages until removed. */
export const STOPPED_ANNOTATION = 'sim.k8ts.io/stopped';
/** On a pod: `"true"` makes a Never/OnFailure pod finish Failed (exit code 1) instead of Succeeded. */
export const FAIL_ANNOTATION = 'sim.k8ts.io/fail';
/** Where kubelets keep their node Leases. */
export { NODE_LEASE_NAMESPACE } from '../api/nodes/lease.js';
