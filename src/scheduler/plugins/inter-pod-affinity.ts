/**
 * InterPodAffinity: required pod affinity and anti-affinity of the incoming
 * pod, and the required anti-affinity of pods already placed, keyed by
 * topology domain (`key=value` of a node label); preferred terms of both
 * sides (and existing pods' required affinity, at hardPodAffinityWeight)
 * score the node's domains.
 */
import type { FilterPlugin, Handle, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interface.js';
import { MAX_NODE_SCORE, type CycleState } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import { termMatches, type AffinityTerm, type PodInfo } from '../framework/pod-info.js';
import { SKIP, unresolvable, unschedulable } from '../framework/status.js';

export const NAME = 'InterPodAffinity';
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

export interface InterPodAffinityArgs { hardPodAffinityWeight?: number; ignorePreferredTermsOfExistingPods?: boolean }

/** `key` -> `value` -> count. */
type Counts = Map<string, Map<string, number>>;

interface PreFilterState {
  existingAntiAffinity: Counts;
  affinity: Counts;
  antiAffinity: Counts;
  /** Pods matching the incoming pod's affinity terms anywhere (for the first-pod-of-a-group exception). */
  affinityMatches: number;
}

const PRE_FILTER_KEY = 'PreFilter' + NAME;
const PRE_SCORE_KEY = 'PreScore' + NAME;

function bump(c: Counts, key: string, value: string, by: number): void {
  let m = c.get(key);
  if (!m) c.set(key, (m = new Map()));
  const v = (m.get(value) ?? 0) + by;
  if (v === 0) m.delete(value); else m.set(value, v);
}

const get = (c: Counts, key: string, value: string | undefined): number => (value === undefined ? 0 : c.get(key)?.get(value) ?? 0);

export function newInterPodAffinity(args: InterPodAffinityArgs, handle: Handle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const hardWeight = args.hardPodAffinityWeight ?? 1;
  const nsLabels = (ns: string): Record<string, string> | undefined =>
    handle.listers.namespaces.get(ns)?.metadata?.labels as Record<string, string> | undefined;
  const matches = (t: AffinityTerm, p: PodInfo): boolean => termMatches(t, p.pod, nsLabels);

  /** Count contributions of `existing` on `node` against the incoming pod, by `sign`. */
  const account = (s: PreFilterState, pod: PodInfo, existing: PodInfo, node: NodeInfo, sign: 1 | -1): void => {
    const labels = node.labels;
    for (const t of existing.requiredAntiAffinity) {
      const v = labels[t.topologyKey];
      if (v !== undefined && matches(t, pod)) bump(s.existingAntiAffinity, t.topologyKey, v, sign);
    }
    if (pod.requiredAffinity.length && pod.requiredAffinity.every((t) => matches(t, existing))) {
      s.affinityMatches += sign;
      for (const t of pod.requiredAffinity) {
        const v = labels[t.topologyKey];
        if (v !== undefined) bump(s.affinity, t.topologyKey, v, sign);
      }
    }
    for (const t of pod.requiredAntiAffinity) {
      const v = labels[t.topologyKey];
      if (v !== undefined && matches(t, existing)) bump(s.antiAffinity, t.topologyKey, v, sign);
    }
  };

  return {
    name: NAME,
    events: () => [
      { resource: 'AssignedPod', action: 'Add' }, { resource: 'AssignedPod', action: 'Update' }, { resource: 'AssignedPod', action: 'Delete' },
      { resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'UpdateNodeLabel' }, { resource: 'Namespace', action: 'Update' },
    ],
    preFilter(state, pod, snapshot) {
      const s: PreFilterState = { existingAntiAffinity: new Map(), affinity: new Map(), antiAffinity: new Map(), affinityMatches: 0 };
      const own = pod.requiredAffinity.length + pod.requiredAntiAffinity.length > 0;
      const nodes = own ? snapshot.nodes() : snapshot.nodesWithRequiredAntiAffinityPods();
      for (const n of nodes) {
        if (own) for (const e of n.pods.values()) account(s, pod, e, n, 1);
        else for (const e of n.podsWithRequiredAntiAffinity) account(s, pod, e, n, 1);
      }
      if (!own && s.existingAntiAffinity.size === 0) return SKIP;
      state.write(PRE_FILTER_KEY, s);
      return null;
    },
    addPod(state, pod, toAdd, node) {
      const s = state.read<PreFilterState>(PRE_FILTER_KEY);
      if (s) account(s, pod, toAdd, node, 1);
    },
    removePod(state, pod, toRemove, node) {
      const s = state.read<PreFilterState>(PRE_FILTER_KEY);
      if (s) account(s, pod, toRemove, node, -1);
    },
    filter(state, pod, node) {
      const s = state.read<PreFilterState>(PRE_FILTER_KEY);
      if (!s) return null;
      const labels = node.labels;
      if (pod.requiredAffinity.length) {
        let ok = pod.requiredAffinity.every((t) => get(s.affinity, t.topologyKey, labels[t.topologyKey]) > 0);
        if (!ok && s.affinityMatches === 0) {
          // No pod matches yet: the first pod of a group may go where its own terms would match itself.
          ok = pod.requiredAffinity.every((t) => labels[t.topologyKey] !== undefined && matches(t, pod));
        }
        if (!ok) return unresolvable(ERR_REASON_AFFINITY);
      }
      for (const t of pod.requiredAntiAffinity) {
        if (get(s.antiAffinity, t.topologyKey, labels[t.topologyKey]) > 0) return unschedulable(ERR_REASON_ANTI_AFFINITY);
      }
      for (const [key, values] of s.existingAntiAffinity) {
        const v = labels[key];
        if (v !== undefined && (values.get(v) ?? 0) > 0) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
      }
      return null;
    },
    preScore(state, pod) {
      const hasPreferred = pod.preferredAffinity.length + pod.preferredAntiAffinity.length > 0;
      const nodes = hasPreferred ? handle.snapshot.nodes() : handle.snapshot.nodesWithAffinityPods();
      const scores: Counts = new Map();
      for (const n of nodes) {
        const labels = n.labels;
        const add = (t: AffinityTerm, w: number): void => {
          const v = labels[t.topologyKey];
          if (v !== undefined && w !== 0) bump(scores, t.topologyKey, v, w);
        };
        const existing = hasPreferred ? n.pods.values() : n.podsWithAffinity.values();
        for (const e of existing) {
          for (const t of pod.preferredAffinity) if (matches(t, e)) add(t, t.weight);
          for (const t of pod.preferredAntiAffinity) if (matches(t, e)) add(t, -t.weight);
          if (hardWeight > 0) for (const t of e.requiredAffinity) if (matches(t, pod)) add(t, hardWeight);
          if (!args.ignorePreferredTermsOfExistingPods) {
            for (const t of e.preferredAffinity) if (matches(t, pod)) add(t, t.weight);
            for (const t of e.preferredAntiAffinity) if (matches(t, pod)) add(t, -t.weight);
          }
        }
      }
      if (scores.size === 0) return SKIP;
      state.write(PRE_SCORE_KEY, scores);
      return null;
    },
    score(state: CycleState, _pod, node) {
      const scores = state.read<Counts>(PRE_SCORE_KEY);
      if (!scores) return 0;
      let sum = 0;
      for (const [key, values] of scores) {
        const v = node.labels[key];
        if (v !== undefined) sum += values.get(v) ?? 0;
      }
      return sum;
    },
    normalizeScore(_state, _pod, scores) {
      let min = Infinity, max = -Infinity;
      for (const s of scores) { if (s.score < min) min = s.score; if (s.score > max) max = s.score; }
      const diff = max - min;
      for (const s of scores) s.score = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((s.score - min) / diff)) : 0;
    },
  } satisfies PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin;
}
