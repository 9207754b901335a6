/**
 * The downward API: pod fields and container resources as strings, for env
 * (fieldRef, resourceFieldRef) and for downwardAPI and projected volumes.
 * Upstream: pkg/fieldpath (ExtractFieldPathAsString, FormatMap) and
 * pkg/api/v1/resource (ExtractContainerResourceValue), with the kubelet's
 * podIP/hostIP and node-allocatable fallbacks (kubelet_pods.go).
 */
import type { Container, Pod, ResourceFieldSelector } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../api/validation/quantity.js';

/** A field or resource the downward API does not serve; its message names it. */
export class DownwardApiError extends Error {
  override readonly name = 'DownwardApiError';
}

export interface DownwardApiContext {
  /** The sandbox's IPs, primary first (the pod's status may not carry them yet). */
  podIPs: readonly string[];
  /** The node's IPs, primary first. */
  hostIPs: readonly string[];
}

const SUBSCRIPT = /^metadata\.(labels|annotations)\['(.*)'\]$/;

/**
 * The value of `fieldPath` for `pod`. `metadata.labels` and
 * `metadata.annotations` as a whole are FormatMap's `k="v"` lines (volumes
 * only, as upstream validates). Throws DownwardApiError for other paths.
 */
export function fieldRefValue(pod: Pod, fieldPath: string, ctx: DownwardApiContext): string {
  const m = pod.metadata ?? {};
  const sub = SUBSCRIPT.exec(fieldPath);
  if (sub) return (sub[1] === 'labels' ? m.labels : m.annotations)?.[sub[2]!] ?? '';
  switch (fieldPath) {
    case 'metadata.name': return m.name ?? '';
    case 'metadata.namespace': return m.namespace ?? '';
    case 'metadata.uid': return m.uid ?? '';
    case 'metadata.labels': return formatMap(m.labels ?? {});
    case 'metadata.annotations': return formatMap(m.annotations ?? {});
    case 'spec.nodeName': return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP': return ctx.hostIPs[0] ?? pod.status?.hostIP ?? '';
    case 'status.hostIPs': return (ctx.hostIPs.length ? ctx.hostIPs : (pod.status?.hostIPs ?? []).map((i) => i.ip ?? '')).join(',');
    case 'status.podIP': return ctx.podIPs[0] ?? pod.status?.podIP ?? '';
    case 'status.podIPs': return (ctx.podIPs.length ? ctx.podIPs : (pod.status?.podIPs ?? []).map((i) => i.ip ?? '')).join(',');
    default: throw new DownwardApiError(`unsupported fieldPath: ${fieldPath}`);
  }
}

/** Upstream's FormatMap: `key="value"` lines sorted by key, no trailing newline. */
export function formatMap(m: Record<string, string>): string {
  return Object.keys(m).sort().map((k) => `${k}=${JSON.stringify(m[k])}`).join('\n');
}

/**
 * `limits.cpu`, `requests.memory`, ... of `container`, divided by the
 * selector's divisor (default 1) and rounded up. An unset limit is the
 * node's allocatable amount, as upstream's kubelet fills it in; `allocatable`
 * holds cpu in millicores and the rest in units.
 */
export function resourceFieldRefValue(container: Container, ref: ResourceFieldSelector, allocatable: Readonly<Record<string, number>>): string {
  const [kind, resource] = splitResource(ref.resource);
  // A zero divisor is the unset one (the API serves the zero Quantity as "0"): upstream's ExtractContainerResourceValue takes 1.
  const parsed = ref.divisor === undefined ? 1 : parseQuantity(String(ref.divisor))?.value;
  const divisor = parsed === 0 ? 1 : parsed;
  if (divisor === undefined || divisor < 0) throw new DownwardApiError(`invalid divisor ${JSON.stringify(ref.divisor)} for ${ref.resource}`);
  const set = (kind === 'limits' ? container.resources?.limits : container.resources?.requests)?.[resource];
  let amount = set === undefined ? undefined : parseQuantity(String(set))?.value;
  if (amount === undefined && kind === 'requests' && resource !== 'cpu' && resource !== 'memory' && resource !== 'ephemeral-storage') amount = 0;
  if (amount === undefined && kind === 'requests') {
    const limit = container.resources?.limits?.[resource];
    amount = limit === undefined ? 0 : parseQuantity(String(limit))?.value ?? 0;
  }
  if (amount === undefined) {
    const a = allocatable[resource];
    amount = a === undefined ? 0 : resource === 'cpu' ? a / 1000 : a;
  }
  if (resource === 'cpu') return String(Math.ceil(Math.round(amount * 1000) / Math.round(divisor * 1000)));
  return String(Math.ceil(amount / divisor));
}

function splitResource(resource: string): ['limits' | 'requests', string] {
  const dot = resource.indexOf('.');
  const kind = resource.slice(0, dot);
  const name = resource.slice(dot + 1);
  if (dot < 0 || (kind !== 'limits' && kind !== 'requests') || !name) throw new DownwardApiError(`unsupported container resource: ${resource}`);
  return [kind, name];
}
