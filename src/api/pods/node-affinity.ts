/**
 * Node selectors and required node affinity (upstream's
 * component-helpers/scheduling/corev1/nodeaffinity): which nodes a pod may
 * run on by labels and fields. The scheduler and the DaemonSet controller
 * both ask this.
 */
import type { Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod } from 'kubernetes-types/core/v1.js';

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In': return value !== undefined && vals.includes(value);
    case 'NotIn': return value === undefined || !vals.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || vals.length !== 1) return false;
      const have = Number.parseInt(value, 10);
      const want = Number.parseInt(vals[0] as string, 10);
      if (!Number.isInteger(have) || !Number.isInteger(want)) return false;
      return r.operator === 'Gt' ? have > want : have < want;
    }
    default: return false;
  }
}

/** One term: all its label expressions and field expressions (only metadata.name) hold. An empty term matches nothing. */
export function nodeMatchesTerm(node: Node, term: NodeSelectorTerm): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  for (const r of exprs) if (!requirementMatches(r, labels[r.key])) return false;
  for (const r of fields) {
    if (r.key !== 'metadata.name') return false;
    if (!requirementMatches(r, node.metadata?.name)) return false;
  }
  return true;
}

/** The terms are ORed. A selector with no terms matches nothing. */
export function nodeMatchesSelector(node: Node, sel: NodeSelector): boolean {
  return sel.nodeSelectorTerms.some((t) => nodeMatchesTerm(node, t));
}

/** spec.nodeSelector and requiredDuringSchedulingIgnoredDuringExecution both hold. */
export function podMatchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return !required || nodeMatchesSelector(node, required);
}
