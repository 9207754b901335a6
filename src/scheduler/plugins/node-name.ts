/** NodeName: a pod that names a node in spec.nodeName fits only there. */
import type { FilterPlugin } from '../framework/interface.js';
import { unresolvable } from '../framework/status.js';

export const NAME = 'NodeName';
export const ERR_REASON = "node(s) didn't match the requested node name";

export function newNodeName(): FilterPlugin {
  return {
    name: NAME,
    events: () => [{ resource: 'Node', action: 'Add' }],
    filter(_state, pod, node) {
      const want = pod.pod.spec?.nodeName;
      return want && want !== node.name ? unresolvable(ERR_REASON) : null;
    },
  } satisfies FilterPlugin;
}
