/**
 * A Service seen by kube-proxy: one ServicePortInfo per port of the
 * service, for one IP family (upstream's pkg/proxy/serviceport.go
 * newBaseServiceInfo and servicechangetracker.go serviceToServiceMap).
 * Mode-free: the iptables, nftables and userspace modes all read this.
 */
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';

export type IPFamily = 'IPv4' | 'IPv6';
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** `ClientIP` affinity: the stickiness timeout (default 10800 s, the API's default). */
export interface SessionAffinity { timeoutSeconds: number }

export interface ServicePortInfo {
  /** `<ns>/<svc>` */
  serviceKey: string;
  namespace: string;
  name: string;
  /** The port's name; '' when unnamed. */
  portName: string;
  /** `<ns>/<svc>` plus `:<portName>` when the port is named (upstream's ServicePortName.String()). */
  nameString: string;
  protocol: Protocol;
  /** The cluster IP of this family. */
  clusterIP: string;
  port: number;
  /** 0 when the service has none. */
  nodePort: number;
  /** VIP-mode load-balancer ingress IPs of this family. */
  loadBalancerVIPs: string[];
  loadBalancerSourceRanges: string[];
  externalIPs: string[];
  sessionAffinity?: SessionAffinity;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  /** 0 unless the service is a LoadBalancer with externalTrafficPolicy Local. */
  healthCheckNodePort: number;
}

/** The key of one service port in maps: nameString + '/' + protocol. Port names cannot hold '/'. */
export function servicePortKey(p: { nameString: string; protocol: Protocol }): string {
  return `${p.nameString}/${p.protocol}`;
}

export function servicePortNameString(namespace: string, name: string, portName: string): string {
  return portName ? `${namespace}/${name}:${portName}` : `${namespace}/${name}`;
}

export function ipFamilyOf(ip: string): IPFamily | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return 'IPv4';
  if (ip.includes(':') && /^[0-9a-fA-F:.]+$/.test(ip)) return 'IPv6';
  return undefined;
}

function cidrFamily(cidr: string): IPFamily | undefined {
  return ipFamilyOf(cidr.split('/')[0] ?? '');
}

/**
 * Whether kube-proxy ignores the service: ExternalName, and services whose
 * ClusterIP is None or empty (headless) [upstream ShouldSkipService].
 */
export function shouldSkipService(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return svc.spec?.type === 'ExternalName' || !ip || ip === 'None';
}

/** apiservice.ExternallyAccessible: LoadBalancer, NodePort, or ClusterIP with externalIPs. */
function externallyAccessible(svc: Service): boolean {
  const t = svc.spec?.type ?? 'ClusterIP';
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && (svc.spec?.externalIPs?.length ?? 0) > 0);
}

/** The cluster IP of `family`: spec.clusterIPs first, then spec.clusterIP (GetClusterIPByFamily). */
function clusterIPOf(svc: Service, family: IPFamily): string {
  const ips = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : [svc.spec?.clusterIP ?? ''];
  return ips.find((ip) => ipFamilyOf(ip) === family) ?? '';
}

/**
 * The service ports kube-proxy programs for `svc` in `family`; [] for a
 * skipped service or one without a cluster IP of that family. Never
 * mutates `svc`.
 */
export function servicePortsOf(svc: Service | undefined, family: IPFamily = 'IPv4'): ServicePortInfo[] {
  if (!svc || shouldSkipService(svc)) return [];
  const clusterIP = clusterIPOf(svc, family);
  if (!clusterIP) return [];
  const namespace = svc.metadata?.namespace ?? 'default';
  const name = svc.metadata?.name ?? '';
  const accessible = externallyAccessible(svc);
  const externalPolicyLocal = accessible && svc.spec?.externalTrafficPolicy === 'Local';
  const internalPolicyLocal = svc.spec?.internalTrafficPolicy === 'Local';
  const sessionAffinity = svc.spec?.sessionAffinity === 'ClientIP'
    ? { timeoutSeconds: svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800 }
    : undefined;
  const externalIPs = (svc.spec?.externalIPs ?? []).filter((ip) => ipFamilyOf(ip) === family);
  // Validation lets whitespace through in loadBalancerSourceRanges; upstream trims it.
  const loadBalancerSourceRanges = (svc.spec?.loadBalancerSourceRanges ?? []).map((r) => r.trim()).filter((r) => cidrFamily(r) === family);
  // Only VIP-mode ingress (ipMode unset or VIP) gets rules; proxying load balancers do not [proxyutil.IsVIPMode].
  const loadBalancerVIPs = (svc.status?.loadBalancer?.ingress ?? [])
    .filter((ing) => ing.ip && (ing.ipMode === undefined || ing.ipMode === 'VIP') && ipFamilyOf(ing.ip) === family)
    .map((ing) => ing.ip!);
  const healthCheckNodePort = svc.spec?.type === 'LoadBalancer' && externalPolicyLocal ? svc.spec.healthCheckNodePort ?? 0 : 0;
  return (svc.spec?.ports ?? []).map((p: ServicePort) => {
    const portName = p.name ?? '';
    return {
      serviceKey: `${namespace}/${name}`, namespace, name, portName,
      nameString: servicePortNameString(namespace, name, portName),
      protocol: (p.protocol ?? 'TCP') as Protocol,
      clusterIP, port: p.port, nodePort: p.nodePort ?? 0,
      loadBalancerVIPs, loadBalancerSourceRanges, externalIPs,
      ...(sessionAffinity ? { sessionAffinity } : {}),
      externalPolicyLocal, internalPolicyLocal, healthCheckNodePort,
    };
  });
}

/** NodePort, load-balancer VIPs or external IPs: traffic may come from outside the cluster. */
export function isExternallyAccessible(p: ServicePortInfo): boolean {
  return p.nodePort !== 0 || p.loadBalancerVIPs.length > 0 || p.externalIPs.length > 0;
}

/** Cluster-wide endpoints are used unless internal policy is Local and nothing external reaches the port (short-circuiting needs them). */
export function usesClusterEndpoints(p: ServicePortInfo): boolean {
  return !p.internalPolicyLocal || isExternallyAccessible(p);
}

export function usesLocalEndpoints(p: ServicePortInfo): boolean {
  return p.internalPolicyLocal || (p.externalPolicyLocal && isExternallyAccessible(p));
}
