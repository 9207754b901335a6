/** NodeUnschedulable: cordoned nodes (spec.unschedulable) take only pods that tolerate the unschedulable taint. */
import type { FilterPlugin } from '../framework/interface.js';
import { unresolvable } from '../framework/status.js';
import { tolerationsTolerateTaint } from '../../api/pods/index.js';

export const NAME = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' } as const;

export function newNodeUnschedulable(): FilterPlugin {
  return {
    name: NAME,
    events: () => [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'UpdateNodeTaint' }],
    filter(_state, pod, node) {
      if (!node.unschedulable) return null;
      return tolerationsTolerateTaint(pod.pod.spec?.tolerations, TAINT) ? null : unresolvable(ERR_REASON_UNSCHEDULABLE);
    },
  } satisfies FilterPlugin;
}
