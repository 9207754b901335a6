/**
 * TaintToleration: a node's NoSchedule and NoExecute taints keep out pods
 * that do not tolerate them; PreferNoSchedule taints lower the node's score
 * by how many the pod does not tolerate.
 */
import type { Toleration } from 'kubernetes-types/core/v1.js';
import type { FilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interface.js';
import { SKIP, unresolvable } from '../framework/status.js';
import { findUntoleratedTaint, formatTaint, tolerationsTolerateTaint } from '../../api/pods/index.js';
import { defaultNormalizeScore } from './helpers.js';

export const NAME = 'TaintToleration';
const STATE_KEY = 'PreScore' + NAME;

export function newTaintToleration(): FilterPlugin & PreScorePlugin & ScorePlugin {
  return {
    name: NAME,
    events: () => [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'UpdateNodeTaint' }],
    filter(_state, pod, node) {
      const taints = node.taints;
      if (!taints.length) return null;
      const t = findUntoleratedTaint(taints, pod.pod.spec?.tolerations, (x) => x.effect === 'NoSchedule' || x.effect === 'NoExecute');
      return t ? unresolvable(`node(s) had untolerated taint ${formatTaint(t)}`) : null;
    },
    preScore(state, pod, nodes) {
      if (!nodes.some((n) => n.taints.some((t) => t.effect === 'PreferNoSchedule'))) return SKIP;
      const tolerations: Toleration[] = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
      state.write(STATE_KEY, tolerations);
      return null;
    },
    score(state, _pod, node) {
      const tolerations = state.read<Toleration[]>(STATE_KEY) ?? [];
      let n = 0;
      for (const t of node.taints) {
        if (t.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, t)) n++;
      }
      return n;
    },
    normalizeScore(_state, _pod, scores) { defaultNormalizeScore(scores, true); },
  } satisfies FilterPlugin & PreScorePlugin & ScorePlugin;
}
