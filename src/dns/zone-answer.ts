/**
 * Answers for names in the cluster zone, per the Kubernetes DNS
 * specification (kubernetes/dns docs/specification.md, schema 1.1.0) and
 * what CoreDNS's kubernetes plugin adds (pods insecure, SRV on bare service
 * names, NODATA/NXDOMAIN with the zone's SOA). Pure: reads ClusterRecords only.
 */
import { isIP } from 'node:net';
import type { Answer, SoaAnswer } from 'dns-packet';
import type { ClusterRecords, EndpointRecord, PortRecord } from './cluster-records.js';
import { ipFromPodLabel, ipFromReverseName } from './names.js';

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED';

export interface ZoneAnswer {
  rcode: Rcode;
  /** Authoritative data (AA set). */
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
  /** ExternalName: the CNAME target whose records of the asked type are resolved and appended (CoreDNS's upstream lookup). */
  chase?: string;
}

export interface ZoneConfig {
  /** Normalised cluster domain, e.g. cluster.local. */
  zone: string;
  /** TTL of every record. CoreDNS's plugin default is 5, kubeadm's Corefile sets 30. */
  ttl: number;
}

/** The schema version CoreDNS serves at dns-version.<zone> with TTL 28800 (plugin/kubernetes/kubernetes.go). */
const DNS_SCHEMA_VERSION = '1.1.0';
const DNS_VERSION_TTL = 28800;

interface Found {
  /** Addresses at the asked name. */
  ips: string[];
  /** SRV data at the asked name, with the addresses of each target for Additional. */
  srv: { port: number; target: string; ips: string[] }[];
  cname?: string;
}

/** The zone's SOA: serial = last change, 7200 1800 86400, minimum = ttl; its own TTL min(ttl, 300) (plugin/kubernetes/kubernetes.go Serial, plugin/backend_lookup.go SOA). */
export function soaRecord(cfg: ZoneConfig, serial: number, zone = cfg.zone): SoaAnswer {
  return {
    name: zone, type: 'SOA', class: 'IN', ttl: Math.min(cfg.ttl, 300),
    data: { mname: `ns.dns.${zone}`, rname: `hostmaster.${zone}`, serial, refresh: 7200, retry: 1800, expire: 86400, minimum: cfg.ttl },
  };
}

const matchPort = (p: PortRecord, name: string | undefined, protocol: string | undefined): boolean =>
  (name === undefined || p.name === name) && (protocol === undefined || p.protocol === protocol);

const stripUnderscore = (s: string): string => (s.startsWith('_') ? s.slice(1) : s);

/** `<svc>.<ns>.svc`, `<ep>.<svc>.<ns>.svc`, `_<port>._<proto>.<svc>.<ns>.svc` (plugin/kubernetes/parse.go). */
function findService(records: ClusterRecords, zone: string, labels: string[]): Found | undefined {
  const ns = labels[labels.length - 2]!, name = labels[labels.length - 3]!;
  const rest = labels.slice(0, -3);
  if (rest.length > 2) return undefined;
  const endpoint = rest.length === 1 ? rest[0] : undefined;
  const port = rest.length === 2 ? stripUnderscore(rest[0]!) : undefined;
  const protocol = rest.length === 2 ? stripUnderscore(rest[1]!) : undefined;
  const svc = records.service(ns, name);
  if (!svc) return undefined;
  const svcName = `${name}.${ns}.svc.${zone}`;
  if (svc.kind === 'ExternalName') {
    // An IP literal is not served as a CNAME; ExternalName has no SRV or endpoint names.
    if (rest.length > 0 || !svc.externalName || isIP(svc.externalName)) return undefined;
    return { ips: [], srv: [], cname: svc.externalName };
  }
  if (svc.kind === 'ClusterIP' && endpoint === undefined) {
    const ports = svc.ports.filter((p) => matchPort(p, port, protocol));
    if (svc.clusterIPs.length === 0 || (port !== undefined && ports.length === 0)) return undefined;
    return { ips: svc.clusterIPs, srv: ports.map((p) => ({ port: p.port, target: svcName, ips: svc.clusterIPs })) };
  }
  // Headless, or an endpoint name under any service: the ready endpoints.
  let eps: EndpointRecord[] = records.endpoints(ns, name);
  if (endpoint !== undefined) eps = eps.filter((e) => e.hostname === endpoint);
  const found: Found = { ips: [], srv: [] };
  for (const ep of eps) {
    const ports = ep.ports.filter((p) => matchPort(p, port, protocol));
    if (port !== undefined && ports.length === 0) continue;
    found.ips.push(ep.ip);
    for (const p of ports) found.srv.push({ port: p.port, target: `${ep.hostname}.${svcName}`, ips: [ep.ip] });
  }
  // A headless service without ready endpoints is NXDOMAIN (spec change 00f97cb1).
  return found.ips.length ? found : undefined;
}

function family(ips: string[], type: string): string[] {
  const want = type === 'A' ? 4 : 6;
  return ips.filter((ip) => isIP(ip) === want);
}

function addressRecords(name: string, ips: string[], ttl: number): Answer[] {
  return ips.map((ip) => ({ name, type: isIP(ip) === 4 ? 'A' as const : 'AAAA' as const, class: 'IN' as const, ttl, data: ip }));
}

/**
 * The answer for (qname, qtype) with `name` the normalised qname under the
 * zone. Owner names echo `qname` as asked. NXDOMAIN and NODATA carry the SOA.
 */
export function answerZoneQuestion(records: ClusterRecords, cfg: ZoneConfig, qname: string, name: string, qtype: string): ZoneAnswer {
  const { zone, ttl } = cfg;
  const out: ZoneAnswer = { rcode: 'NOERROR', answers: [], authorities: [], additionals: [] };
  const nodata = (): ZoneAnswer => ({ ...out, answers: [], authorities: [soaRecord(cfg, records.serial)] });
  const nxdomain = (): ZoneAnswer => ({ ...nodata(), rcode: 'NXDOMAIN' });
  const dnsIps = (): string[] => records.service('kube-system', 'kube-dns')?.clusterIPs ?? [];

  if (qtype === 'AXFR' || qtype === 'IXFR') return { ...out, rcode: 'REFUSED' };
  if (name === zone) {
    if (qtype === 'SOA') return { ...out, answers: [soaRecord(cfg, records.serial)] };
    if (qtype === 'NS') {
      return { ...out, answers: [{ name: qname, type: 'NS', class: 'IN', ttl, data: `ns.dns.${zone}` }], additionals: addressRecords(`ns.dns.${zone}`, dnsIps(), ttl) };
    }
    return nodata();
  }
  const labels = name.slice(0, -zone.length - 1).split('.');
  if (labels.length === 1 && labels[0] === 'dns-version') {
    if (qtype !== 'TXT') return nodata();
    return { ...out, answers: [{ name: qname, type: 'TXT', class: 'IN', ttl: DNS_VERSION_TTL, data: DNS_SCHEMA_VERSION }] };
  }
  if (labels.length === 2 && labels[0] === 'ns' && labels[1] === 'dns') {
    const ips = family(dnsIps(), qtype);
    return ips.length ? { ...out, answers: addressRecords(qname, ips, ttl) } : nodata();
  }
  const kind = labels[labels.length - 1];
  if (kind !== 'svc' && kind !== 'pod') return nxdomain();
  if (labels.length === 1) return nodata();
  if (labels.length === 2) return records.namespaceExists(labels[0]!) ? nodata() : nxdomain();

  let found: Found | undefined;
  if (kind === 'pod') {
    const ip = labels.length === 3 && records.namespaceExists(labels[1]!) ? ipFromPodLabel(labels[0]!) : undefined;
    found = ip ? { ips: [ip], srv: [] } : undefined;
  } else {
    found = findService(records, zone, labels);
  }
  if (!found) return nxdomain();
  if (found.cname) {
    out.answers.push({ name: qname, type: 'CNAME', class: 'IN', ttl, data: found.cname });
    if (qtype === 'A' || qtype === 'AAAA') out.chase = found.cname;
    return out;
  }
  if (qtype === 'A' || qtype === 'AAAA') {
    const ips = family(found.ips, qtype);
    return ips.length ? { ...out, answers: addressRecords(qname, ips, ttl) } : nodata();
  }
  if (qtype === 'SRV' && found.srv.length) {
    const seen = new Set<string>();
    const srv = found.srv.filter((s) => !seen.has(`${s.target}:${s.port}`) && (seen.add(`${s.target}:${s.port}`), true));
    // CoreDNS: priority 0, weight 100/N (at least 1) (plugin/backend_lookup.go SRV).
    const weight = Math.max(1, Math.floor(100 / srv.length));
    const extra = new Set<string>();
    for (const s of srv) {
      out.answers.push({ name: qname, type: 'SRV', class: 'IN', ttl, data: { priority: 0, weight, port: s.port, target: s.target } });
      if (extra.has(s.target)) continue;
      extra.add(s.target);
      out.additionals.push(...addressRecords(s.target, s.ips, ttl));
    }
    return out;
  }
  return nodata();
}

/**
 * PTR for a service or endpoint IP, or undefined when the cluster does not
 * own the name: CoreDNS then falls through to the next plugin (`fallthrough
 * in-addr.arpa ip6.arpa`), which is forwarding.
 */
export function answerReverseQuestion(records: ClusterRecords, cfg: ZoneConfig, qname: string, name: string, qtype: string): ZoneAnswer | undefined {
  const ip = ipFromReverseName(name);
  const targets = ip ? records.ptrTargets(ip) : [];
  if (targets.length === 0) return undefined;
  const out: ZoneAnswer = { rcode: 'NOERROR', answers: [], authorities: [], additionals: [] };
  if (qtype !== 'PTR') return { ...out, authorities: [soaRecord(cfg, records.serial, name.endsWith('.ip6.arpa') ? 'ip6.arpa' : 'in-addr.arpa')] };
  out.answers = targets.map((t) => ({ name: qname, type: 'PTR' as const, class: 'IN' as const, ttl: cfg.ttl, data: `${t}.${cfg.zone}` }));
  return out;
}
