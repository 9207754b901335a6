/**
 * Which endpoints kube-proxy uses, mode-free: EndpointSlices merged per
 * service port (upstream's pkg/proxy/endpointslicecache.go) and split by
 * traffic policy (pkg/proxy/topology.go CategorizeEndpoints).
 */
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { servicePortKey, servicePortNameString, usesClusterEndpoints, usesLocalEndpoints, type IPFamily, type Protocol, type ServicePortInfo } from './service-port.js';

/** The label naming an EndpointSlice's Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface EndpointInfo {
  ip: string;
  port: number;
  /** `ip:port` (`[ip]:port` for IPv6): the form hashed into chain names and sorted on. */
  endpoint: string;
  nodeName: string;
  /** On this node (endpoint.nodeName == the proxy's node name). */
  isLocal: boolean;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/** The `<ns>/<svc>` an EndpointSlice belongs to, or undefined when it lacks the service-name label. */
export function serviceKeyOfSlice(slice: EndpointSlice): string | undefined {
  const svc = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  return svc ? `${slice.metadata?.namespace ?? 'default'}/${svc}` : undefined;
}

function joinHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * The endpoints of every port of one service, keyed by servicePortKey, each
 * list sorted by `ip:port` (upstream sorts there too). Merges all `slices`
 * (which must belong to `serviceKey`) of address type `family`:
 * - a port with no name field, or no or a 0 port number, is skipped;
 * - only `addresses[0]` of an endpoint counts;
 * - a missing condition counts as ready = true, serving = true, terminating = false;
 * - duplicates by `ip:port` collapse into one, the local copy winning.
 */
export function endpointsOfSlices(serviceKey: string, slices: readonly EndpointSlice[], nodeName: string, family: IPFamily = 'IPv4'): Map<string, EndpointInfo[]> {
  const [namespace, name] = serviceKey.split('/') as [string, string];
  const byPort = new Map<string, Map<string, EndpointInfo>>();
  for (const slice of slices) {
    if (slice.addressType !== family) continue;
    for (const p of slice.ports ?? []) {
      if (p.name === undefined || p.name === null || !p.port) continue;
      const key = servicePortKey({ nameString: servicePortNameString(namespace, name, p.name), protocol: (p.protocol ?? 'TCP') as Protocol });
      let set = byPort.get(key);
      if (!set) byPort.set(key, set = new Map());
      for (const ep of slice.endpoints ?? []) {
        const ip = ep.addresses?.[0];
        if (!ip) continue;
        const isLocal = ep.nodeName !== undefined && ep.nodeName === nodeName;
        const info: EndpointInfo = {
          ip, port: p.port, endpoint: joinHostPort(ip, p.port), nodeName: ep.nodeName ?? '', isLocal,
          ready: ep.conditions?.ready ?? true,
          serving: ep.conditions?.serving ?? true,
          terminating: ep.conditions?.terminating ?? false,
        };
        if (!set.has(info.endpoint) || isLocal) set.set(info.endpoint, info);
      }
    }
  }
  const out = new Map<string, EndpointInfo[]>();
  for (const [key, set] of byPort) out.set(key, [...set.values()].sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0)));
  return out;
}

export interface CategorizedEndpoints {
  /** Endpoints for Cluster policy: the ready ones; if none is ready anywhere, the serving-terminating ones. */
  clusterEndpoints: EndpointInfo[];
  /** Endpoints for Local policy: the same rule over this node's endpoints only. */
  localEndpoints: EndpointInfo[];
  /** Every endpoint some rule of this port may send to (their union), sorted. */
  allReachableEndpoints: EndpointInfo[];
  /** The service has a usable endpoint on some node. */
  hasAnyEndpoints: boolean;
}

/**
 * Upstream's CategorizeEndpoints (pkg/proxy/topology.go), without topology
 * hints (k8ts ignores them: every ready endpoint is eligible, which is also
 * upstream's behaviour when any endpoint lacks a hint). The serving-terminating
 * fallback is upstream's "ProxyTerminatingEndpoints" (KEP-1669, GA in 1.28):
 * terminating endpoints are used only when no ready one exists, so
 * connections are not dropped during a rolling update.
 */
export function categorizeEndpoints(endpoints: readonly EndpointInfo[], svc: ServicePortInfo): CategorizedEndpoints {
  let clusterEndpoints: EndpointInfo[] = [];
  let localEndpoints: EndpointInfo[] = [];
  let hasAnyEndpoints = false;
  if (usesClusterEndpoints(svc)) {
    clusterEndpoints = endpoints.filter((e) => e.ready);
    if (clusterEndpoints.length === 0) clusterEndpoints = endpoints.filter((e) => e.serving && e.terminating);
    hasAnyEndpoints = clusterEndpoints.length > 0;
  }
  if (!usesLocalEndpoints(svc)) return { clusterEndpoints, localEndpoints, allReachableEndpoints: clusterEndpoints, hasAnyEndpoints };
  let localReady = false;
  let localServingTerminating = false;
  for (const e of endpoints) {
    if (e.ready) {
      hasAnyEndpoints = true;
      if (e.isLocal) localReady = true;
    } else if (e.serving && e.terminating) {
      hasAnyEndpoints = true;
      if (e.isLocal) localServingTerminating = true;
    }
  }
  if (localReady) localEndpoints = endpoints.filter((e) => e.isLocal && e.ready);
  else if (localServingTerminating) localEndpoints = endpoints.filter((e) => e.isLocal && e.serving && e.terminating);
  if (!usesClusterEndpoints(svc)) return { clusterEndpoints, localEndpoints, allReachableEndpoints: localEndpoints, hasAnyEndpoints };
  const union = new Map<string, EndpointInfo>();
  for (const e of clusterEndpoints) union.set(e.endpoint, e);
  for (const e of localEndpoints) union.set(e.endpoint, e);
  const allReachableEndpoints = [...union.values()].sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
  return { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints };
}
