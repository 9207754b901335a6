/**
 * The cluster's DNS data as indexes kept current by informer events
 * (Services, EndpointSlices, Namespaces), as CoreDNS's kubernetes plugin
 * serves from informer caches indexed by name and IP
 * (plugin/kubernetes/controller.go). Every lookup is a Map access; no query
 * scans the cluster or calls the API.
 */
import type { Namespace, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { canonicalIp, dashedIp } from './names.js';

export interface PortRecord {
  /** Lower-cased port name; '' for an unnamed port. */
  name: string;
  /** Lower-cased protocol: tcp, udp or sctp. */
  protocol: string;
  port: number;
}

export interface ServiceRecord {
  namespace: string;
  name: string;
  kind: 'ClusterIP' | 'Headless' | 'ExternalName';
  /** spec.clusterIPs (canonical text); empty for headless and ExternalName. */
  clusterIPs: string[];
  /** Normalised spec.externalName, for kind ExternalName. */
  externalName?: string;
  ports: PortRecord[];
}

export interface EndpointRecord {
  ip: string;
  /** The DNS label of this endpoint (endpointHostname), lower case. */
  hostname: string;
  ports: PortRecord[];
}

interface SliceRecord {
  serviceKey: string;
  endpoints: EndpointRecord[];
}

export interface ClusterRecordsOptions {
  /**
   * CoreDNS's `endpoint_pod_names`: an endpoint without a hostname is named by
   * its pod (targetRef) when the name is under 64 characters, instead of its
   * dashed IP.
   */
  endpointPodNames: boolean;
}

const serviceKey = (namespace: string, name: string): string => `${name.toLowerCase()}.${namespace.toLowerCase()}`;

function portsOf(ports: ReadonlyArray<{ name?: string; protocol?: string; port?: number }> | undefined): PortRecord[] {
  const out: PortRecord[] = [];
  for (const p of ports ?? []) {
    if (!p.port) continue;
    out.push({ name: (p.name ?? '').toLowerCase(), protocol: (p.protocol ?? 'TCP').toLowerCase(), port: p.port });
  }
  return out;
}

/** CoreDNS's view of a Service (plugin/kubernetes/object/service.go). */
export function serviceRecord(svc: Service): ServiceRecord | undefined {
  const namespace = svc.metadata?.namespace, name = svc.metadata?.name;
  if (!namespace || !name) return undefined;
  const spec = svc.spec ?? {};
  const ports = portsOf(spec.ports);
  if (spec.type === 'ExternalName') {
    return { namespace, name, kind: 'ExternalName', clusterIPs: [], externalName: (spec.externalName ?? '').toLowerCase().replace(/\.$/, ''), ports };
  }
  if (spec.clusterIP === 'None') return { namespace, name, kind: 'Headless', clusterIPs: [], ports };
  const ips = (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [])
    .map(canonicalIp).filter((ip): ip is string => ip !== undefined);
  return { namespace, name, kind: 'ClusterIP', clusterIPs: ips, ports };
}

/**
 * The endpoints CoreDNS keeps from a slice: IP slices only, endpoints whose
 * `conditions.ready` is unset or true (plugin/kubernetes/object/endpoint.go).
 */
function sliceRecord(slice: EndpointSlice, opts: ClusterRecordsOptions): SliceRecord | undefined {
  const namespace = slice.metadata?.namespace;
  const svcName = slice.metadata?.labels?.['kubernetes.io/service-name'];
  if (!namespace || !svcName || (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6')) return undefined;
  const ports = portsOf(slice.ports as { name?: string; protocol?: string; port?: number }[] | undefined);
  const endpoints: EndpointRecord[] = [];
  for (const ep of slice.endpoints ?? []) {
    if (ep.conditions?.ready === false) continue;
    const podName = ep.targetRef?.kind === 'Pod' ? ep.targetRef.name : undefined;
    for (const addr of ep.addresses ?? []) {
      const ip = canonicalIp(addr);
      if (!ip) continue;
      let hostname = ep.hostname;
      if (!hostname && opts.endpointPodNames && podName && podName.length < 64) hostname = podName;
      endpoints.push({ ip, hostname: (hostname ?? dashedIp(ip)).toLowerCase(), ports });
    }
  }
  return { serviceKey: serviceKey(namespace, svcName), endpoints };
}

export class ClusterRecords {
  private readonly namespaces = new Set<string>();
  private readonly services = new Map<string, ServiceRecord>();
  /** serviceKey → sliceKey → slice. */
  private readonly slicesByService = new Map<string, Map<string, SliceRecord>>();
  private readonly slices = new Map<string, SliceRecord>();
  /** ClusterIP → service keys, in the order they appeared. */
  private readonly servicesByIp = new Map<string, Set<string>>();
  /** Endpoint IP → PTR target (`<hostname>.<svc>.<ns>`, no zone) → how many slices contribute it. */
  private readonly endpointsByIp = new Map<string, Map<string, number>>();
  private gen = 0;
  private changedAt = Math.floor(Date.now() / 1000);

  constructor(private readonly opts: ClusterRecordsOptions) {}

  /** Bumped on every change; answer caches keyed on it stay correct. */
  get generation(): number { return this.gen; }
  /** Unix time (s) of the last change: the SOA serial (CoreDNS uses the time of the last informer change). */
  get serial(): number { return this.changedAt; }

  private touch(): void {
    this.gen++;
    this.changedAt = Math.floor(Date.now() / 1000);
  }

  setNamespace(ns: Namespace): void {
    const name = ns.metadata?.name?.toLowerCase();
    if (!name || this.namespaces.has(name)) return;
    this.namespaces.add(name);
    this.touch();
  }

  deleteNamespace(ns: Namespace): void {
    const name = ns.metadata?.name?.toLowerCase();
    if (name && this.namespaces.delete(name)) this.touch();
  }

  setService(svc: Service): void {
    const rec = serviceRecord(svc);
    if (!rec) return;
    const key = serviceKey(rec.namespace, rec.name);
    this.removeService(key);
    this.services.set(key, rec);
    for (const ip of rec.clusterIPs) {
      let set = this.servicesByIp.get(ip);
      if (!set) this.servicesByIp.set(ip, set = new Set());
      set.add(key);
    }
    this.touch();
  }

  deleteService(svc: Service): void {
    const ns = svc.metadata?.namespace, name = svc.metadata?.name;
    if (ns && name && this.removeService(serviceKey(ns, name))) this.touch();
  }

  private removeService(key: string): boolean {
    const old = this.services.get(key);
    if (!old) return false;
    this.services.delete(key);
    for (const ip of old.clusterIPs) {
      const set = this.servicesByIp.get(ip);
      set?.delete(key);
      if (set?.size === 0) this.servicesByIp.delete(ip);
    }
    return true;
  }

  setEndpointSlice(slice: EndpointSlice): void {
    const key = `${slice.metadata?.namespace}/${slice.metadata?.name}`;
    this.removeSlice(key);
    const rec = sliceRecord(slice, this.opts);
    if (rec) {
      this.slices.set(key, rec);
      let bySvc = this.slicesByService.get(rec.serviceKey);
      if (!bySvc) this.slicesByService.set(rec.serviceKey, bySvc = new Map());
      bySvc.set(key, rec);
      for (const ep of rec.endpoints) {
        let targets = this.endpointsByIp.get(ep.ip);
        if (!targets) this.endpointsByIp.set(ep.ip, targets = new Map());
        const t = `${ep.hostname}.${rec.serviceKey}`;
        targets.set(t, (targets.get(t) ?? 0) + 1);
      }
    }
    this.touch();
  }

  deleteEndpointSlice(slice: EndpointSlice): void {
    if (this.removeSlice(`${slice.metadata?.namespace}/${slice.metadata?.name}`)) this.touch();
  }

  private removeSlice(key: string): boolean {
    const old = this.slices.get(key);
    if (!old) return false;
    this.slices.delete(key);
    const bySvc = this.slicesByService.get(old.serviceKey);
    bySvc?.delete(key);
    if (bySvc?.size === 0) this.slicesByService.delete(old.serviceKey);
    for (const ep of old.endpoints) {
      const targets = this.endpointsByIp.get(ep.ip);
      if (!targets) continue;
      const t = `${ep.hostname}.${old.serviceKey}`;
      const n = (targets.get(t) ?? 0) - 1;
      if (n > 0) targets.set(t, n); else targets.delete(t);
      if (targets.size === 0) this.endpointsByIp.delete(ep.ip);
    }
    return true;
  }

  namespaceExists(namespace: string): boolean { return this.namespaces.has(namespace); }

  /** The Service `<name>.<namespace>` (lower-case arguments). */
  service(namespace: string, name: string): ServiceRecord | undefined { return this.services.get(`${name}.${namespace}`); }

  /** The ready endpoints of a Service across its slices, one entry per IP (first slice wins). */
  endpoints(namespace: string, name: string): EndpointRecord[] {
    const bySvc = this.slicesByService.get(`${name}.${namespace}`);
    if (!bySvc) return [];
    const seen = new Set<string>();
    const out: EndpointRecord[] = [];
    for (const s of bySvc.values()) {
      for (const ep of s.endpoints) {
        if (seen.has(ep.ip)) continue;
        seen.add(ep.ip);
        out.push(ep);
      }
    }
    return out;
  }

  /**
   * PTR targets of `ip` without the zone: the first Service with that
   * ClusterIP (`<svc>.<ns>.svc`), else one `<hostname>.<svc>.<ns>.svc` per
   * Service whose endpoint it is (plugin/kubernetes/reverse.go).
   */
  ptrTargets(ip: string): string[] {
    const svcs = this.servicesByIp.get(ip);
    if (svcs?.size) return [`${svcs.values().next().value as string}.svc`];
    const eps = this.endpointsByIp.get(ip);
    return eps ? [...eps.keys()].map((t) => `${t}.svc`) : [];
  }
}
