/**
 * PodTopologySpread: keeps matching pods spread over topology domains.
 * DoNotSchedule constraints filter (skew = pods in the node's domain + the
 * pod itself - the least-loaded domain must stay within maxSkew);
 * ScheduleAnyway constraints score (fewer matching pods in the domain is
 * better). Pods without constraints get the default ones (System: zone 5,
 * hostname 3, ScheduleAnyway) over the selectors of the Services,
 * ReplicationControllers, ReplicaSets and StatefulSets that select them.
 */
import type { Pod, TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { labelSelectorAsSelector, NOTHING, type LabelSelectorMatcher } from '../../api/selectors/index.js';
import { findUntoleratedTaint, podMatchesNodeSelectorAndAffinity } from '../../api/pods/index.js';
import type { FilterPlugin, Handle, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interface.js';
import { MAX_NODE_SCORE } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { SKIP, unresolvable, unschedulable } from '../framework/status.js';

export const NAME = 'PodTopologySpread';
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + ' (missing required label)';
const HOSTNAME = 'kubernetes.io/hostname';

export interface PodTopologySpreadArgs {
  defaultConstraints?: TopologySpreadConstraint[];
  /** System: upstream's built-in defaults; List: defaultConstraints as given. @default System */
  defaultingType?: 'System' | 'List';
}

export const SYSTEM_DEFAULT_CONSTRAINTS: TopologySpreadConstraint[] = [
  { topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
  { topologyKey: HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
];

interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelectorMatcher;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
}

function compile(c: TopologySpreadConstraint, pod: Pod, selector?: LabelSelectorMatcher): Constraint {
  let sel = selector;
  if (!sel) {
    const ls: LabelSelector = { ...(c.labelSelector ?? {}) };
    const keys = c.matchLabelKeys ?? [];
    if (keys.length && c.labelSelector) {
      const labels = pod.metadata?.labels ?? {};
      ls.matchExpressions = [...(ls.matchExpressions ?? []),
        ...keys.filter((k) => labels[k] !== undefined).map((k) => ({ key: k, operator: 'In', values: [labels[k]!] }))];
    }
    try { sel = c.labelSelector ? labelSelectorAsSelector(ls) : NOTHING; } catch { sel = NOTHING; }
  }
  return {
    maxSkew: c.maxSkew, topologyKey: c.topologyKey, selector: sel, minDomains: c.minDomains ?? 1,
    honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor', honorTaints: c.nodeTaintsPolicy === 'Honor',
  };
}

/** Merged selectors of the Services, RCs, ReplicaSets and StatefulSets that select the pod (upstream's DefaultSelector). */
export function defaultSelector(pod: Pod, handle: Handle): LabelSelectorMatcher | undefined {
  const ns = pod.metadata?.namespace ?? 'default';
  const labels = pod.metadata?.labels ?? {};
  const merged: Record<string, string> = {};
  const exprs: NonNullable<LabelSelector['matchExpressions']> = [];
  let any = false;
  const fromSet = (sel: Record<string, string> | undefined): void => {
    if (!sel || Object.keys(sel).length === 0) return;
    if (!Object.entries(sel).every(([k, v]) => labels[k] === v)) return;
    Object.assign(merged, sel);
    any = true;
  };
  for (const s of handle.listers.services.byNamespace(ns)) fromSet((s as { spec?: { selector?: Record<string, string> } }).spec?.selector);
  for (const rc of handle.listers.replicationControllers.byNamespace(ns)) fromSet((rc as { spec?: { selector?: Record<string, string> } }).spec?.selector);
  for (const lister of [handle.listers.replicaSets, handle.listers.statefulSets]) {
    for (const o of lister.byNamespace(ns)) {
      const sel = (o as { spec?: { selector?: LabelSelector } }).spec?.selector;
      if (!sel) continue;
      let m: LabelSelectorMatcher;
      try { m = labelSelectorAsSelector(sel); } catch { continue; }
      if (m.empty || !m.matches(labels)) continue;
      Object.assign(merged, sel.matchLabels ?? {});
      exprs.push(...(sel.matchExpressions ?? []));
      any = true;
    }
  }
  if (!any) return undefined;
  try { return labelSelectorAsSelector({ matchLabels: merged, matchExpressions: exprs }); } catch { return undefined; }
}

interface FilterState {
  constraints: Constraint[];
  /** Per constraint: domain value -> matching pods. */
  counts: Map<string, number>[];
  selfMatch: number[];
}

interface ScoreState {
  constraints: Constraint[];
  counts: Map<string, number>[];
  weights: number[];
  ignored: Set<string>;
}

export function newPodTopologySpread(args: PodTopologySpreadArgs, handle: Handle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const defaults = (args.defaultingType ?? 'System') === 'System' ? SYSTEM_DEFAULT_CONSTRAINTS : (args.defaultConstraints ?? []);

  const constraintsOf = (pod: Pod, when: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] => {
    const own = pod.spec?.topologySpreadConstraints ?? [];
    if (own.length) return own.filter((c) => c.whenUnsatisfiable === when).map((c) => compile(c, pod));
    const fitting = defaults.filter((c) => c.whenUnsatisfiable === when);
    if (fitting.length === 0) return [];
    const sel = defaultSelector(pod, handle);
    return sel ? fitting.map((c) => compile(c, pod, sel)) : [];
  };

  const eligible = (pod: Pod, c: Constraint, n: NodeInfo): boolean => {
    if (!n.node) return false;
    if (c.honorAffinity && !podMatchesNodeSelectorAndAffinity(pod, n.node)) return false;
    if (c.honorTaints && findUntoleratedTaint(n.node.spec?.taints, pod.spec?.tolerations,
      (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) return false;
    return true;
  };

  const countOn = (n: NodeInfo, ns: string, sel: LabelSelectorMatcher): number => {
    let k = 0;
    for (const p of n.pods.values()) {
      const m = p.pod.metadata;
      if (m?.namespace === ns && !m.deletionTimestamp && sel.matches(m.labels)) k++;
    }
    return k;
  };

  const key = (pod: PodInfo): string => pod.pod.metadata?.namespace ?? 'default';

  return {
    name: NAME,
    events: () => [
      { resource: 'AssignedPod', action: 'Add' }, { resource: 'AssignedPod', action: 'Update' }, { resource: 'AssignedPod', action: 'Delete' },
      { resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'UpdateNodeLabel' }, { resource: 'Node', action: 'Delete' },
    ],
    preFilter(state, pod, snapshot) {
      const constraints = constraintsOf(pod.pod, 'DoNotSchedule');
      if (constraints.length === 0) return SKIP;
      const ns = key(pod);
      const counts = constraints.map(() => new Map<string, number>());
      for (const n of snapshot.nodes()) {
        if (!constraints.every((c) => n.labels[c.topologyKey] !== undefined)) continue;
        constraints.forEach((c, i) => {
          if (!eligible(pod.pod, c, n)) return;
          const v = n.labels[c.topologyKey]!;
          counts[i]!.set(v, (counts[i]!.get(v) ?? 0) + countOn(n, ns, c.selector));
        });
      }
      const selfMatch = constraints.map((c) => (c.selector.matches(pod.pod.metadata?.labels) ? 1 : 0));
      state.write('PreFilter' + NAME, { constraints, counts, selfMatch } satisfies FilterState);
      return null;
    },
    addPod(state, pod, toAdd, node) {
      const s = state.read<FilterState>('PreFilter' + NAME);
      s?.constraints.forEach((c, i) => {
        const v = node.labels[c.topologyKey];
        const m = toAdd.pod.metadata;
        if (v !== undefined && m?.namespace === key(pod) && c.selector.matches(m.labels)) s.counts[i]!.set(v, (s.counts[i]!.get(v) ?? 0) + 1);
      });
    },
    removePod(state, pod, toRemove, node) {
      const s = state.read<FilterState>('PreFilter' + NAME);
      s?.constraints.forEach((c, i) => {
        const v = node.labels[c.topologyKey];
        const m = toRemove.pod.metadata;
        if (v !== undefined && m?.namespace === key(pod) && c.selector.matches(m.labels)) s.counts[i]!.set(v, (s.counts[i]!.get(v) ?? 1) - 1);
      });
    },
    filter(state, _pod, node) {
      const s = state.read<FilterState>('PreFilter' + NAME);
      if (!s) return null;
      for (let i = 0; i < s.constraints.length; i++) {
        const c = s.constraints[i]!;
        const v = node.labels[c.topologyKey];
        if (v === undefined) return unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
        const counts = s.counts[i]!;
        let min = Infinity;
        for (const x of counts.values()) if (x < min) min = x;
        if (min === Infinity || counts.size < c.minDomains) min = 0;
        const skew = (counts.get(v) ?? 0) + s.selfMatch[i]! - min;
        if (skew > c.maxSkew) return unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
      }
      return null;
    },
    preScore(state, pod, nodes) {
      const constraints = constraintsOf(pod.pod, 'ScheduleAnyway');
      if (constraints.length === 0) return SKIP;
      const ignored = new Set<string>();
      const domains = constraints.map(() => new Set<string>());
      for (const n of nodes) {
        if (!constraints.every((c) => n.labels[c.topologyKey] !== undefined)) { ignored.add(n.name); continue; }
        constraints.forEach((c, i) => domains[i]!.add(c.topologyKey === HOSTNAME ? n.name : n.labels[c.topologyKey]!));
      }
      const counts = constraints.map(() => new Map<string, number>());
      const ns = key(pod);
      // Hostname domains are counted per node in score(); other keys over every eligible node.
      const wide = constraints.some((c) => c.topologyKey !== HOSTNAME);
      if (wide) {
        for (const n of handle.snapshot.nodes()) {
          constraints.forEach((c, i) => {
            if (c.topologyKey === HOSTNAME) return;
            const v = n.labels[c.topologyKey];
            if (v === undefined || !domains[i]!.has(v) || !eligible(pod.pod, c, n)) return;
            counts[i]!.set(v, (counts[i]!.get(v) ?? 0) + countOn(n, ns, c.selector));
          });
        }
      }
      const weights = domains.map((d) => Math.log(d.size + 2));
      state.write('PreScore' + NAME, { constraints, counts, weights, ignored } satisfies ScoreState);
      return null;
    },
    score(state, pod, node) {
      const s = state.read<ScoreState>('PreScore' + NAME);
      if (!s || s.ignored.has(node.name)) return 0;
      let score = 0;
      s.constraints.forEach((c, i) => {
        const cnt = c.topologyKey === HOSTNAME ? countOn(node, key(pod), c.selector) : (s.counts[i]!.get(node.labels[c.topologyKey]!) ?? 0);
        score += cnt * s.weights[i]! + (c.maxSkew - 1);
      });
      return Math.round(score);
    },
    normalizeScore(state, _pod, scores) {
      const s = state.read<ScoreState>('PreScore' + NAME);
      if (!s) return;
      let min = Infinity, max = 0;
      for (const x of scores) {
        if (s.ignored.has(x.name)) continue;
        if (x.score < min) min = x.score;
        if (x.score > max) max = x.score;
      }
      for (const x of scores) {
        if (s.ignored.has(x.name)) { x.score = 0; continue; }
        x.score = max === 0 ? MAX_NODE_SCORE : Math.trunc((MAX_NODE_SCORE * (max + min - x.score)) / max);
      }
    },
  } satisfies PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin;
}
