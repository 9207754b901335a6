/**
 * Node registration, node status and the node Lease of a real kubelet: the
 * host is read (host-info, host-usage), the status computed as upstream's
 * setters do (setters, conditions), and the manager writes Node, status
 * and Lease through the client.
 */
export { defaultHostIP, readHostInfo, type HostInfo, type ReadHostOptions } from './host-info.js';
export { readHostUsage, type HostUsage, type ReadUsageOptions, type FilesystemStats } from './host-usage.js';
export { initialNode, CONTROL_PLANE_LABEL, type NodeRegistration } from './node-object.js';
export { computeNodeStatus, DEFAULT_MAX_PODS, KUBELET_PORT, type NodeStatusConfig, type NodeStatusInputs } from './setters.js';
export { parseEvictionThresholds, DEFAULT_EVICTION_HARD, DEFAULT_PID_AVAILABLE, type EvictionThresholds } from './eviction-thresholds.js';
export { parseReservation } from './quantities.js';
export type { StatusRuntime, StatusImages, StatusSources } from './status-inputs.js';
export { NodeStatusManager, type NodeStatusManagerOptions } from './node-status-manager.js';
export { nodeStatusManagerFromFlags, parseTaints, parseLabels, type NodeStatusFlags, type NodeStatusDeps } from './node-status-flags.js';
