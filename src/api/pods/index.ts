/**
 * Pod and node facts shared by the scheduler, the controllers and the
 * kubelet: readiness, resource requests, taints and tolerations, node
 * affinity. Pure functions, no I/O.
 */
export { podCondition, isPodReady, isPodAvailable, isPodTerminal, isPodActive, nodeCondition, isNodeReady } from './conditions.js';
export { amountOf, toAmounts, podRequests, type ResourceAmounts } from './resources.js';
export { toleratesTaint, tolerationsTolerateTaint, findUntoleratedTaint, formatTaint } from './taints.js';
export { podQOSClass, type PodQOSClass } from './qos.js';
export { nodeMatchesTerm, nodeMatchesSelector, podMatchesNodeSelectorAndAffinity } from './node-affinity.js';
export { CONFIG_MIRROR_ANNOTATION, isMirrorPod } from './mirror.js';
