/**
 * Which nodes a DaemonSet runs on (upstream's NodeShouldRunDaemonPod) and
 * how its pods are pinned to one node: a required node affinity term
 * `matchFields metadata.name In [node]` that the scheduler honours
 * (upstream's ReplaceDaemonSetPodNodeNameNodeAffinity and GetTargetNodeName).
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Affinity, Node, Pod, NodeSelectorRequirement } from 'kubernetes-types/core/v1.js';
import { deepClone } from '../../api/object.js';
import { findUntoleratedTaint, podMatchesNodeSelectorAndAffinity } from '../../api/pods/index.js';
import { addDaemonPodTolerations } from './tolerations.js';

export interface NodePlacement {
  /** A daemon pod should be created on the node if it has none. */
  shouldRun: boolean;
  /** A daemon pod already there may stay (only NoExecute taints evict). */
  shouldContinueRunning: boolean;
}

export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): NodePlacement {
  const spec = deepClone(ds.spec?.template?.spec ?? { containers: [] });
  if (spec.nodeName && spec.nodeName !== node.metadata?.name) return { shouldRun: false, shouldContinueRunning: false };
  addDaemonPodTolerations(spec);
  const pod: Pod = { spec: { ...spec, nodeName: node.metadata?.name } };
  if (!podMatchesNodeSelectorAndAffinity(pod, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints;
  const blocking = findUntoleratedTaint(taints, spec.tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  if (!blocking) return { shouldRun: true, shouldContinueRunning: true };
  const evicting = findUntoleratedTaint(taints, spec.tolerations, (t) => t.effect === 'NoExecute');
  return { shouldRun: false, shouldContinueRunning: !evicting };
}

/** `affinity` with every required term's matchFields replaced by `metadata.name In [nodeName]`. */
export function nodeNameAffinity(affinity: Affinity | undefined, nodeName: string): Affinity {
  const out = deepClone(affinity ?? {});
  const req: NodeSelectorRequirement = { key: 'metadata.name', operator: 'In', values: [nodeName] };
  const na = (out.nodeAffinity ??= {});
  const terms = na.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  na.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: terms.length === 0 ? [{ matchFields: [req] }] : terms.map((t) => ({ ...t, matchFields: [req] })),
  };
  return out;
}

/** The node a daemon pod is on or pinned to by its affinity; undefined when neither. */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) {
    for (const f of t.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}
