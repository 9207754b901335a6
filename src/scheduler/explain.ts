/**
 * Why a pod is pending (or where it would go), node by node: runs a
 * profile's PreFilter and every Filter plugin against every node (no
 * percentageOfNodesToScore window, no early stop), then PreScore and Score on
 * the feasible nodes, and reports each plugin's verdict and weighted score.
 * Read-only: nothing is assumed, reserved or bound. Upstream keeps only the
 * summary line in an event; `k8ts why-pending` prints this.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { SchedulerCache } from './cache.js';
import { FitError } from './fit-error.js';
import type { Framework } from './framework/framework.js';
import { CycleState } from './framework/interface.js';
import { newPodInfo } from './framework/pod-info.js';
import type { Status } from './framework/status.js';

export interface NodeVerdict {
  node: string;
  feasible: boolean;
  /** Each rejecting plugin and its reasons (empty when feasible). */
  rejections: { plugin: string; code: string; reasons: string[] }[];
  /** Weighted score per plugin, when feasible. */
  scores: Record<string, number>;
  total: number;
}

export interface PodExplanation {
  pod: string;
  schedulerName: string;
  /** A PreFilter rejection that applies to every node. */
  preFilter?: { plugin: string; message: string };
  nodes: NodeVerdict[];
  /** Upstream's FailedScheduling message when no node fits; otherwise "would be scheduled to <best>". */
  summary: string;
}

export function explainPod(fwk: Framework, cache: SchedulerCache, pod: Pod, resolvePriority?: (p: Pod) => number | undefined): PodExplanation {
  const info = newPodInfo(pod, resolvePriority);
  const state = new CycleState();
  const nodes = cache.nodes();
  const out: PodExplanation = { pod: info.key, schedulerName: fwk.schedulerName, nodes: [], summary: '' };
  const statuses = new Map<string, Status>();
  const rej = (s: Status): NodeVerdict['rejections'][number] => ({ plugin: s.plugin, code: s.code, reasons: s.reasons });
  const pre = fwk.runPreFilterPlugins(state, info);
  if (pre) {
    out.preFilter = { plugin: pre.plugin, message: pre.message() };
    for (const n of nodes) {
      out.nodes.push({ node: n.name, feasible: false, rejections: [rej(pre)], scores: {}, total: 0 });
      statuses.set(n.name, pre);
    }
  } else {
    for (const n of nodes) {
      const all = fwk.runAllFilterPlugins(state, info, n);
      out.nodes.push({ node: n.name, feasible: all.length === 0, rejections: all.map(rej), scores: {}, total: 0 });
      if (all.length) statuses.set(n.name, all[0]!);
    }
  }
  const feasibleNames = new Set(out.nodes.filter((v) => v.feasible).map((v) => v.node));
  const feasible = nodes.filter((n) => feasibleNames.has(n.name));
  if (feasible.length) {
    fwk.runPreScorePlugins(state, info, feasible);
    const scores = fwk.runScorePlugins(state, info, feasible, true);
    const byNode = new Map(scores.map((s) => [s.name, s]));
    for (const v of out.nodes) {
      const s = byNode.get(v.node);
      if (!s) continue;
      v.total = s.total;
      v.scores = Object.fromEntries(s.byPlugin);
    }
    out.nodes.sort((a, b) => Number(b.feasible) - Number(a.feasible) || b.total - a.total || a.node.localeCompare(b.node));
    const best = out.nodes[0]!;
    const ties = out.nodes.filter((v) => v.feasible && v.total === best.total).length;
    out.summary = `would be scheduled to ${best.node} (score ${best.total}${ties > 1 ? `, tied with ${ties - 1} other node(s); ties are broken at random` : ''})`;
  } else {
    out.nodes.sort((a, b) => a.node.localeCompare(b.node));
    const diag = { nodeToStatus: statuses, unschedulablePlugins: new Set<string>(), ...(pre ? { preFilterMsg: pre.message() } : {}) };
    out.summary = nodes.length === 0 ? 'no nodes available to schedule pods' : new FitError(nodes.length, diag).describe();
  }
  return out;
}
