/**
 * A pod with what the scheduler computes from it once (upstream's
 * framework.PodInfo): resource requests, host ports, priority and parsed
 * inter-pod affinity terms. Built when the pod enters the queue or the cache.
 */
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { labelSelectorAsSelector, NOTHING, type LabelSelectorMatcher } from '../../api/selectors/index.js';
import { computePodResources, type PodResources } from './resource.js';

/** One required or preferred (anti-)affinity term with its selectors compiled. */
export interface AffinityTerm {
  topologyKey: string;
  selector: LabelSelectorMatcher;
  /** Namespaces named in the term (the pod's own when neither these nor namespaceSelector are given). */
  namespaces: ReadonlySet<string>;
  /** Matches namespaces by their labels; undefined when the term has no namespaceSelector. */
  namespaceSelector: LabelSelectorMatcher | undefined;
  weight: number;
}

/** A container host port in use: protocol and IP (0.0.0.0 for all). */
export interface HostPort { ip: string; protocol: string; port: number }

export interface PodInfo {
  readonly pod: Pod;
  /** `namespace/name`. */
  readonly key: string;
  readonly resources: PodResources;
  readonly priority: number;
  readonly hostPorts: readonly HostPort[];
  readonly requiredAffinity: readonly AffinityTerm[];
  readonly requiredAntiAffinity: readonly AffinityTerm[];
  readonly preferredAffinity: readonly AffinityTerm[];
  readonly preferredAntiAffinity: readonly AffinityTerm[];
}

function safeSelector(s: PodAffinityTerm['labelSelector']): LabelSelectorMatcher {
  try { return labelSelectorAsSelector(s); } catch { return NOTHING; }
}

function term(pod: Pod, t: PodAffinityTerm, weight: number): AffinityTerm {
  const own = pod.metadata?.namespace ?? 'default';
  const names = t.namespaces ?? [];
  const namespaceSelector = t.namespaceSelector ? safeSelector(t.namespaceSelector) : undefined;
  return {
    topologyKey: t.topologyKey,
    selector: safeSelector(t.labelSelector),
    namespaces: new Set(names.length === 0 && !namespaceSelector ? [own] : names),
    namespaceSelector,
    weight,
  };
}

const weighted = (pod: Pod, ts: readonly WeightedPodAffinityTerm[] | undefined): AffinityTerm[] =>
  (ts ?? []).map((w) => term(pod, w.podAffinityTerm, w.weight));

/** Host ports of all containers (ports with hostPort > 0). */
export function podHostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol ?? 'TCP', port: p.hostPort });
    }
  }
  return out;
}

/**
 * The pod's priority: its PriorityClass's value as `resolvePriority` finds it
 * in the scheduler's cache (the API server's admission resolves only the
 * built-in classes today), else spec.priority, else 0.
 */
export function newPodInfo(pod: Pod, resolvePriority?: (pod: Pod) => number | undefined): PodInfo {
  const a = pod.spec?.affinity;
  return {
    pod,
    key: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`,
    resources: computePodResources(pod),
    priority: resolvePriority?.(pod) ?? pod.spec?.priority ?? 0,
    hostPorts: podHostPorts(pod),
    requiredAffinity: (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => term(pod, t, 1)),
    requiredAntiAffinity: (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => term(pod, t, 1)),
    preferredAffinity: weighted(pod, a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: weighted(pod, a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
  };
}

/** Whether `target` (in a namespace labelled `nsLabels`) is selected by `t`. */
export function termMatches(t: AffinityTerm, target: Pod, nsLabels: (ns: string) => Record<string, string> | undefined): boolean {
  const ns = target.metadata?.namespace ?? 'default';
  if (!t.namespaces.has(ns) && !(t.namespaceSelector?.matches(nsLabels(ns)) ?? false)) return false;
  return t.selector.matches(target.metadata?.labels);
}

export function hasAffinity(p: PodInfo): boolean {
  return p.requiredAffinity.length + p.requiredAntiAffinity.length + p.preferredAffinity.length + p.preferredAntiAffinity.length > 0;
}
