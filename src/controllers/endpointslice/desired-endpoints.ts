/**
 * What a Service's EndpointSlices should hold (upstream's reconciler input):
 * one Endpoint per selected pod, with conditions ready/serving/terminating,
 * grouped by the ports the pod serves, since one slice carries one port set.
 */
import type { Node, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1.js';
import { isPodReady } from '../../api/pods/index.js';
import { findPort, podHostname, podIPv4, serviceSelects, shouldPodBeInEndpoints } from '../endpoint/pod-endpoint.js';

/** The node label holding the zone an endpoint is in. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** Endpoints sharing one port set. */
export interface PortGroup {
  ports: EndpointPort[];
  /** Keyed by endpointKey(). */
  endpoints: Map<string, Endpoint>;
}

/** The identity of an endpoint across updates: its pod's uid, else its first address. */
export function endpointKey(ep: Endpoint): string {
  return ep.targetRef?.uid ? `uid:${ep.targetRef.uid}` : `ip:${ep.addresses[0] ?? ''}`;
}

/** A canonical string for a port set (order-independent). */
export function portSetKey(ports: readonly EndpointPort[] | undefined): string {
  return (ports ?? []).map((p) => `${p.name ?? ''}/${p.port ?? ''}/${p.protocol ?? 'TCP'}/${p.appProtocol ?? ''}`).sort().join(',');
}

/** The ports `pod` serves for `service`: one per Service port whose target the pod has. */
export function endpointPorts(service: Service, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of service.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    out.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return out;
}

/** The Endpoint for `pod` in `service`'s IPv4 slices, or undefined when the pod does not belong. */
export function endpointForPod(service: Service, pod: Pod, node: Node | undefined): Endpoint | undefined {
  if (!serviceSelects(service, pod) || !shouldPodBeInEndpoints(pod, true)) return undefined;
  const ip = podIPv4(pod);
  if (!ip) return undefined;
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  // "ready" is never true for a terminating pod unless not-ready addresses are published.
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const hostname = podHostname(pod, service);
  const zone = node?.metadata?.labels?.[ZONE_LABEL];
  return {
    addresses: [ip],
    conditions: { ready, serving, terminating },
    ...(hostname ? { hostname } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata!.namespace, name: pod.metadata!.name, uid: pod.metadata!.uid },
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    ...(zone ? { zone } : {}),
  };
}

/** The desired endpoints of `service`, grouped by port set (keyed by portSetKey). */
export function desiredPortGroups(service: Service, pods: readonly Pod[], nodeOf: (name: string) => Node | undefined): Map<string, PortGroup> {
  const groups = new Map<string, PortGroup>();
  for (const pod of pods) {
    const ep = endpointForPod(service, pod, pod.spec?.nodeName ? nodeOf(pod.spec.nodeName) : undefined);
    if (!ep) continue;
    const ports = endpointPorts(service, pod);
    const k = portSetKey(ports);
    let g = groups.get(k);
    if (!g) groups.set(k, g = { ports, endpoints: new Map() });
    g.endpoints.set(endpointKey(ep), ep);
  }
  return groups;
}
