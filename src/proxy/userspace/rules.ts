/**
 * The userspace mode's iptables rules (upstream's
 * pkg/proxy/userspace/proxier.go, compat §3), written whole by one
 * iptables-restore --noflush per sync: nat KUBE-PORTALS-CONTAINER (from
 * PREROUTING) and KUBE-PORTALS-HOST (from OUTPUT) send each service IP and
 * port to the proxy socket; KUBE-NODEPORT-CONTAINER / KUBE-NODEPORT-HOST do
 * the same for NodePorts; filter KUBE-NODEPORT-NON-LOCAL accepts new
 * connections to the proxy ports of NodePorts. From containers the rules
 * REDIRECT (proxy bound to 0.0.0.0) or DNAT to the bind IP; from the host
 * they DNAT to the host IP (REDIRECT from the host gives replies from the
 * wrong address, as upstream found).
 *
 * externalTrafficPolicy Local keeps the client's address, which a proxy
 * socket cannot (Node has no IP_TRANSPARENT): traffic arriving for an
 * external destination is DNATed by the kernel straight to one of this
 * node's endpoints (random over them, as iptables mode), not proxied;
 * host-originated traffic still goes through the proxy.
 */
import type { ServicePortInfo } from '../service-port.js';

export const KUBE_PORTALS_CONTAINER = 'KUBE-PORTALS-CONTAINER';
export const KUBE_PORTALS_HOST = 'KUBE-PORTALS-HOST';
export const KUBE_NODEPORT_CONTAINER = 'KUBE-NODEPORT-CONTAINER';
export const KUBE_NODEPORT_HOST = 'KUBE-NODEPORT-HOST';
export const KUBE_NODEPORT_NON_LOCAL = 'KUBE-NODEPORT-NON-LOCAL';

const PORTALS_COMMENT = 'handle ClusterIPs; NOTE: this must be before the NodePort rules';
const NODEPORTS_COMMENT = 'handle service NodePorts; NOTE: this must be the last rule in the chain';

/** A hook jump; `append` ones go last in their chain, the others first. */
export interface UserspaceJump { table: 'nat' | 'filter'; src: string; dst: string; args: string[]; append: boolean }

export const USERSPACE_JUMPS: readonly UserspaceJump[] = [
  { table: 'nat', src: 'PREROUTING', dst: KUBE_PORTALS_CONTAINER, args: ['-m', 'comment', '--comment', PORTALS_COMMENT], append: false },
  { table: 'nat', src: 'OUTPUT', dst: KUBE_PORTALS_HOST, args: ['-m', 'comment', '--comment', PORTALS_COMMENT], append: false },
  { table: 'nat', src: 'PREROUTING', dst: KUBE_NODEPORT_CONTAINER, args: ['-m', 'addrtype', '--dst-type', 'LOCAL', '-m', 'comment', '--comment', NODEPORTS_COMMENT], append: true },
  { table: 'nat', src: 'OUTPUT', dst: KUBE_NODEPORT_HOST, args: ['-m', 'addrtype', '--dst-type', 'LOCAL', '-m', 'comment', '--comment', NODEPORTS_COMMENT], append: true },
  { table: 'filter', src: 'INPUT', dst: KUBE_NODEPORT_NON_LOCAL, args: ['-m', 'comment', '--comment', 'Ensure that non-local NodePort traffic can flow'], append: false },
];

/**
 * A service port and the proxy port its socket listens on; external
 * destinations (external IPs, load-balancer IPs, the NodePort) go to
 * `externalProxyPort` when set (externalTrafficPolicy Local: a socket
 * balancing over this node's endpoints only).
 */
export interface Portal {
  svc: ServicePortInfo;
  proxyPort: number;
  externalProxyPort?: number;
  /** externalTrafficPolicy Local: this node's usable endpoints (`ip:port`), the kernel's DNAT targets for arriving external traffic. */
  localEndpoints?: string[];
}

/** The DNAT rules spreading a match over `endpoints` at random (each gets 1/n): upstream's statistic probabilities. */
function dnatSpread(chain: string, match: string, endpoints: readonly string[]): string[] {
  return endpoints.map((ep, i) => {
    const left = endpoints.length - i;
    const stat = left > 1 ? ` -m statistic --mode random --probability ${(1 / left).toFixed(10)}` : '';
    return `-A ${chain} ${match}${stat} -j DNAT --to-destination ${ep}`;
  });
}

export interface UserspaceRulesOptions {
  /** Where the proxy sockets listen. @default '0.0.0.0' */
  bindAddress?: string;
  /** The node IP host-originated traffic is DNATed to when bound to 0.0.0.0. */
  hostIP: string;
}

const q = (s: string): string => (/[\s"]/.test(s) ? `"${s}"` : s);

export function renderUserspaceRules(portals: readonly Portal[], opts: UserspaceRulesOptions): string {
  const bind = opts.bindAddress ?? '0.0.0.0';
  const anyAddr = bind === '0.0.0.0';
  const toContainer = (port: number): string => (anyAddr ? `-j REDIRECT --to-ports ${port}` : `-j DNAT --to-destination ${bind}:${port}`);
  const toHost = (port: number): string => `-j DNAT --to-destination ${anyAddr ? opts.hostIP : bind}:${port}`;
  const nat: string[] = [];
  const filter: string[] = [];
  for (const { svc, proxyPort, externalProxyPort, localEndpoints } of portals) {
    const p = svc.protocol.toLowerCase();
    const common = (ip: string, port: number): string => `-m comment --comment ${q(svc.nameString)} -p ${p} -m ${p} --dport ${port} -d ${ip}/32`;
    const extPort = externalProxyPort ?? proxyPort;
    const direct = localEndpoints?.length ? localEndpoints : undefined;
    for (const [ip, to, external] of [[svc.clusterIP, proxyPort, false], ...[...svc.externalIPs, ...svc.loadBalancerVIPs].map((e) => [e, extPort, true] as const)] as const) {
      if (external && direct) nat.push(...dnatSpread(KUBE_PORTALS_CONTAINER, common(ip, svc.port), direct));
      else nat.push(`-A ${KUBE_PORTALS_CONTAINER} ${common(ip, svc.port)} ${toContainer(to)}`);
      nat.push(`-A ${KUBE_PORTALS_HOST} ${common(ip, svc.port)} ${toHost(to)}`);
    }
    if (svc.nodePort) {
      const np = `-m comment --comment ${q(svc.nameString)} -p ${p} -m ${p} --dport ${svc.nodePort}`;
      if (direct) nat.push(...dnatSpread(KUBE_NODEPORT_CONTAINER, np, direct));
      else nat.push(`-A ${KUBE_NODEPORT_CONTAINER} ${np} ${toContainer(extPort)}`);
      nat.push(`-A ${KUBE_NODEPORT_HOST} ${np} ${toHost(extPort)}`);
      filter.push(`-A ${KUBE_NODEPORT_NON_LOCAL} -m comment --comment ${q(svc.nameString)} -p ${p} -m ${p} --dport ${extPort} -m state --state NEW -j ACCEPT`);
    }
  }
  return [
    '*filter', `:${KUBE_NODEPORT_NON_LOCAL} - [0:0]`, ...filter, 'COMMIT',
    '*nat', ...[KUBE_PORTALS_CONTAINER, KUBE_PORTALS_HOST, KUBE_NODEPORT_CONTAINER, KUBE_NODEPORT_HOST].map((c) => `:${c} - [0:0]`), ...nat, 'COMMIT', '',
  ].join('\n');
}
