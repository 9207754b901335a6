/**
 * NodeAffinity: spec.nodeSelector and required node affinity must hold (plus
 * the profile's addedAffinity); preferred terms add their weights to the
 * node's score.
 */
import type { NodeAffinity as NodeAffinitySpec, PreferredSchedulingTerm } from 'kubernetes-types/core/v1.js';
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interface.js';
import { SKIP, unresolvable } from '../framework/status.js';
import { nodeMatchesSelector, nodeMatchesTerm, podMatchesNodeSelectorAndAffinity } from '../../api/pods/index.js';
import { defaultNormalizeScore } from './helpers.js';

export const NAME = 'NodeAffinity';
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";

export interface NodeAffinityArgs { addedAffinity?: NodeAffinitySpec }

export function newNodeAffinity(args: NodeAffinityArgs = {}): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const added = args.addedAffinity;
  const addedPreferred = added?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  const preferredKey = 'PreScore' + NAME;
  return {
    name: NAME,
    events: () => [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'UpdateNodeLabel' }],
    preFilter(_state, pod) {
      const spec = pod.pod.spec;
      const hasSelector = Object.keys(spec?.nodeSelector ?? {}).length > 0;
      const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
      if (!hasSelector && !required && !added?.requiredDuringSchedulingIgnoredDuringExecution) return SKIP;
      return null;
    },
    filter(_state, pod, node) {
      if (!node.node) return unresolvable('node not found');
      const enforced = added?.requiredDuringSchedulingIgnoredDuringExecution;
      if (enforced && !nodeMatchesSelector(node.node, enforced)) return unresolvable(ERR_REASON_ENFORCED);
      return podMatchesNodeSelectorAndAffinity(pod.pod, node.node) ? null : unresolvable(ERR_REASON_POD);
    },
    preScore(state, pod) {
      const terms: PreferredSchedulingTerm[] = [
        ...(pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []), ...addedPreferred];
      if (terms.length === 0) return SKIP;
      state.write(preferredKey, terms);
      return null;
    },
    score(state, _pod, node) {
      const terms = state.read<PreferredSchedulingTerm[]>(preferredKey) ?? [];
      let sum = 0;
      for (const t of terms) if (t.weight !== 0 && node.node && nodeMatchesTerm(node.node, t.preference)) sum += t.weight;
      return sum;
    },
    normalizeScore(_state, _pod, scores) { defaultNormalizeScore(scores, false); },
  } satisfies PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin;
}
