/**
 * What one pod charges against a quota (upstream's pod evaluator): whether it
 * counts at all, its usage per quota resource name, and the scopes it falls
 * under (Terminating, NotTerminating, BestEffort, NotBestEffort,
 * PriorityClass, CrossNamespacePodAffinity).
 */
import type { Container, Pod, PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import type { ResourceQuotaSpec, ScopedResourceSelectorRequirement } from 'kubernetes-types/core/v1.js';
import { isPodTerminal, podRequests, toAmounts, type ResourceAmounts } from '../../api/pods/index.js';

/** Resources that keep a plain (unprefixed) quota name besides `requests.<name>`. */
const PLAIN_REQUEST_NAMES = ['cpu', 'memory', 'ephemeral-storage'];

/**
 * Whether the pod is charged: not finished, and not past its deletion grace
 * period (upstream's QuotaV1Pod).
 */
export function podCountsAgainstQuota(pod: Pod, nowMs: number): boolean {
  if (isPodTerminal(pod)) return false;
  const del = pod.metadata?.deletionTimestamp;
  const grace = pod.metadata?.deletionGracePeriodSeconds;
  if (del && grace !== undefined && grace !== null) {
    const at = Date.parse(del);
    if (Number.isFinite(at) && nowMs > at + grace * 1000) return false;
  }
  return true;
}

function containerLimits(c: Container): ResourceAmounts {
  return toAmounts(c.resources?.limits);
}

/** The pod's effective limits: containers summed, the largest init container if larger, plus overhead where a limit is set. */
export function podLimits(pod: Pod): ResourceAmounts {
  const out: ResourceAmounts = new Map();
  const add = (into: ResourceAmounts, from: ResourceAmounts): void => { for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v); };
  for (const c of pod.spec?.containers ?? []) add(out, containerLimits(c));
  const sidecars: ResourceAmounts = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const l = containerLimits(c);
    if (c.restartPolicy === 'Always') { add(out, l); add(sidecars, l); continue; }
    const withSidecars = new Map(sidecars);
    add(withSidecars, l);
    for (const [k, v] of withSidecars) out.set(k, Math.max(out.get(k) ?? 0, v));
  }
  for (const [k, v] of toAmounts(pod.spec?.overhead)) if (out.has(k)) out.set(k, out.get(k)! + v);
  return out;
}

/** The pod's usage under every quota resource name it affects (cpu in millicores). */
export function podUsage(pod: Pod): ResourceAmounts {
  const usage: ResourceAmounts = new Map([['pods', 1], ['count/pods', 1]]);
  for (const [k, v] of podRequests(pod)) {
    usage.set(`requests.${k}`, v);
    if (PLAIN_REQUEST_NAMES.includes(k) || k.startsWith('hugepages-')) usage.set(k, v);
  }
  for (const [k, v] of podLimits(pod)) usage.set(`limits.${k}`, v);
  return usage;
}

/** BestEffort QoS: no container sets a cpu or memory request or limit. */
export function isBestEffort(pod: Pod): boolean {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  return all.every((c) => ['cpu', 'memory'].every((r) => c.resources?.requests?.[r] === undefined && c.resources?.limits?.[r] === undefined));
}

function usesCrossNamespaceAffinity(pod: Pod): boolean {
  const a = pod.spec?.affinity;
  const terms: PodAffinityTerm[] = [
    ...(a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm),
    ...(a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm),
  ];
  return terms.some((t) => (t.namespaces?.length ?? 0) > 0 || !!t.namespaceSelector);
}

function matchesScopeRequirement(pod: Pod, req: ScopedResourceSelectorRequirement): boolean {
  const has = ((): boolean => {
    switch (req.scopeName) {
      case 'Terminating': return (pod.spec?.activeDeadlineSeconds ?? -1) >= 0;
      case 'NotTerminating': return (pod.spec?.activeDeadlineSeconds ?? -1) < 0;
      case 'BestEffort': return isBestEffort(pod);
      case 'NotBestEffort': return !isBestEffort(pod);
      case 'CrossNamespacePodAffinity': return usesCrossNamespaceAffinity(pod);
      default: return false;
    }
  })();
  if (req.scopeName === 'PriorityClass') {
    const pc = pod.spec?.priorityClassName ?? '';
    switch (req.operator) {
      case 'In': return (req.values ?? []).includes(pc);
      case 'NotIn': return !(req.values ?? []).includes(pc);
      case 'Exists': return pc !== '';
      case 'DoesNotExist': return pc === '';
      default: return false;
    }
  }
  return req.operator === 'DoesNotExist' ? !has : has;
}

/** True when the quota has scopes or a scope selector (then only pods are charged to it). */
export function quotaIsScoped(spec: ResourceQuotaSpec | undefined): boolean {
  return (spec?.scopes?.length ?? 0) > 0 || (spec?.scopeSelector?.matchExpressions?.length ?? 0) > 0;
}

/** Whether `pod` falls under every scope of the quota (spec.scopes and spec.scopeSelector). */
export function podMatchesQuotaScopes(pod: Pod, spec: ResourceQuotaSpec | undefined): boolean {
  const reqs: ScopedResourceSelectorRequirement[] = [
    ...(spec?.scopes ?? []).map((scopeName) => ({ scopeName, operator: 'Exists' })),
    ...(spec?.scopeSelector?.matchExpressions ?? []),
  ];
  return reqs.every((r) => matchesScopeRequirement(pod, r));
}
