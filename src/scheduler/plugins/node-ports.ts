/** NodePorts: a pod's host ports must be free on the node (same protocol, overlapping IP). */
import type { FilterPlugin, PreFilterPlugin } from '../framework/interface.js';
import { SKIP, unschedulable } from '../framework/status.js';

export const NAME = 'NodePorts';
export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

export function newNodePorts(): PreFilterPlugin & FilterPlugin {
  return {
    name: NAME,
    events: () => [{ resource: 'AssignedPod', action: 'Delete' }, { resource: 'Node', action: 'Add' }],
    preFilter: (_state, pod) => (pod.hostPorts.length === 0 ? SKIP : null),
    filter(_state, pod, node) {
      for (const hp of pod.hostPorts) if (node.portInUse(hp)) return unschedulable(ERR_REASON);
      return null;
    },
  } satisfies PreFilterPlugin & FilterPlugin;
}
