/**
 * The DaemonSet controller: one daemon pod per eligible node, rolling
 * updates, ControllerRevision history and status.
 */
export { DaemonSetController, startDaemonSetController, DAEMONSET_TEMPLATE_GENERATION_LABEL, type DaemonSetControllerOptions } from './controller.js';
export { nodeShouldRunDaemonPod, nodeNameAffinity, targetNodeName, type NodePlacement } from './placement.js';
export { addDaemonPodTolerations } from './tolerations.js';
