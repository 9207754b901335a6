/**
 * Node lifecycle: the node lifecycle controller (Lease-based health, condition
 * and NoExecute taints, pods marked not Ready) and the taint eviction
 * controller (pods leave NoExecute-tainted nodes they do not tolerate).
 */
export { startNodeLifecycleController, type NodeLifecycleControllerOptions } from './node-lifecycle-controller.js';
export { startTaintEvictionController, type TaintEvictionControllerOptions } from './taint-eviction-controller.js';
export { NodeHealthTracker, unknownConditions, KUBELET_CONDITION_TYPES, NODE_LEASE_NAMESPACE } from './node-health.js';
export {
  desiredTaints, noScheduleTaints, noExecuteTaintKey, NOT_READY_TAINT, UNREACHABLE_TAINT, UNSCHEDULABLE_TAINT,
  MEMORY_PRESSURE_TAINT, DISK_PRESSURE_TAINT, PID_PRESSURE_TAINT, NETWORK_UNAVAILABLE_TAINT,
} from './node-taints.js';
export { evictionTime, noExecuteTaints, type EvictionTime } from './toleration-time.js';
