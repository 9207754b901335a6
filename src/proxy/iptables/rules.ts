/**
 * The iptables-restore input of one sync, as upstream's syncProxyRules
 * writes it (pkg/proxy/iptables/proxier.go, v1.28+ with
 * MinimizeIPTablesRestore): a `*filter` then a `*nat` section; the
 * top-level chains are always rewritten; the per-service chains (SVC, SVL,
 * EXT, FW, SEP) only on a full sync or for services in `changedServices`;
 * stale service chains (in `existingNatChains`, no longer used) are flushed
 * and deleted. Pure: the same input gives the same text. Service ports are
 * visited in servicePortKey order (upstream's map order is random).
 */
import type { ProxySnapshot } from '../change-tracker.js';
import { categorizeEndpoints, type EndpointInfo } from '../endpoints.js';
import { cidrContains } from '../cidr.js';
import { isExternallyAccessible, servicePortKey, usesClusterEndpoints, usesLocalEndpoints, type ServicePortInfo } from '../service-port.js';
import { endpointChainName, externalChainName, firewallChainName, isServiceChainName, serviceChainName, serviceLocalChainName } from './chain-names.js';
import type { LocalTrafficDetector } from './local-detector.js';

export const KUBE_SERVICES = 'KUBE-SERVICES';
export const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
export const KUBE_NODEPORTS = 'KUBE-NODEPORTS';
export const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
export const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';
export const KUBE_FORWARD = 'KUBE-FORWARD';
export const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';
export const KUBE_FIREWALL = 'KUBE-FIREWALL';
export const KUBE_PROXY_CANARY = 'KUBE-PROXY-CANARY';

/** Above this many endpoints in all, per-endpoint comments are left out (upstream's largeClusterEndpointsThreshold). */
export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

export interface IPTablesRulesOptions {
  /** Undefined: no detector (no "not local" masquerade, no pod short-circuit). */
  localDetector?: LocalTrafficDetector;
  /** Masquerade all traffic to cluster IPs. @default false */
  masqueradeAll?: boolean;
  /** @default 14 (mark 0x004000) */
  masqueradeBit?: number;
  /** NodePorts answer on 127.0.0.1 (needs route_localnet). @default true */
  localhostNodePorts?: boolean;
  /** MASQUERADE --random-fully (iptables >= 1.6.2). @default true */
  randomFully?: boolean;
  /** The node's IPs: a load balancer source range holding one lets the node reach the LB IP. @default [] */
  nodeIPs?: readonly string[];
  /** sysctl net/netfilter/nf_conntrack_tcp_be_liberal is set: no INVALID-drop rule. @default false */
  conntrackTcpBeLiberal?: boolean;
}

export interface RenderInput {
  snapshot: ProxySnapshot;
  /** Services (`<ns>/<svc>`) whose chains to write; undefined for a full sync (all of them). */
  changedServices?: ReadonlySet<string>;
  /** NAT chains found in the kernel (iptables-save): service chains among them that are no longer used are deleted. */
  existingNatChains?: Iterable<string>;
}

export interface RenderedRules {
  /** The iptables-restore input (for --noflush). */
  text: string;
  /** Every per-service NAT chain the rules use, written or not. */
  activeNatChains: Set<string>;
  /** Stale chains the text deletes. */
  deletedChains: string[];
  largeClusterMode: boolean;
  filterRuleCount: number;
  natRuleCount: number;
}

/**
 * The mark as upstream prints it, Go's `%#08x`: Go zero-pads the digits to
 * the width and then adds `0x` (fmt's fmtInteger does not count the prefix),
 * so bit 14 gives 0x00004000, as kube-proxy's "Using iptables mark for
 * masquerade" log line shows. (compat §1.2 says 0x004000; same number.)
 */
export function masqueradeMark(bit = 14): string {
  return `0x${(1 << bit).toString(16).padStart(8, '0')}`;
}

/** The probability of rule i of n (1/(n-i)) printed as Go's `%0.10f`. */
export function probability(remaining: number): string {
  return (1 / remaining).toFixed(10);
}

const q = (s: string): string => `"${s}"`;

/**
 * Chain names by object: the tracker hands the same ServicePortInfo and
 * EndpointInfo objects to every sync until their service changes, so each
 * name is hashed once (a sync of 10,000 services needs ~60,000 names).
 */
interface ServiceChains { sp: string; proto: string; svc: string; svl: string; ext: string; fw: string }
const serviceChains = new WeakMap<ServicePortInfo, ServiceChains>();
const endpointChains = new WeakMap<EndpointInfo, { sp: string; proto: string; name: string }>();

function chainsOf(svc: ServicePortInfo, proto: string): ServiceChains {
  const c = serviceChains.get(svc);
  if (c && c.sp === svc.nameString && c.proto === proto) return c;
  const sp = svc.nameString;
  const fresh = { sp, proto, svc: serviceChainName(sp, proto), svl: serviceLocalChainName(sp, proto), ext: externalChainName(sp, proto), fw: firewallChainName(sp, proto) };
  serviceChains.set(svc, fresh);
  return fresh;
}

function endpointChainOf(sp: string, proto: string, e: EndpointInfo): string {
  const c = endpointChains.get(e);
  if (c && c.sp === sp && c.proto === proto) return c.name;
  const name = endpointChainName(sp, proto, e.endpoint);
  endpointChains.set(e, { sp, proto, name });
  return name;
}

export function renderIPTablesRules(input: RenderInput, opts: IPTablesRulesOptions = {}): RenderedRules {
  const mark = masqueradeMark(opts.masqueradeBit ?? 14);
  const localhostNodePorts = opts.localhostNodePorts ?? true;
  const det = opts.localDetector;
  const nodeIPs = opts.nodeIPs ?? [];
  const { snapshot, changedServices } = input;

  const filterChains: string[] = [KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_PROXY_FIREWALL].map(chainLine);
  const filterRules: string[] = [];
  const natChains: string[] = [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ].map(chainLine);
  const natRules: string[] = [];
  const f = (...a: string[]): void => { filterRules.push(a.join(' ')); };
  const n = (...a: string[]): void => { natRules.push(a.join(' ')); };

  n('-A', KUBE_POSTROUTING, '-m', 'mark', '!', '--mark', `${mark}/${mark}`, '-j', 'RETURN');
  n('-A', KUBE_POSTROUTING, '-j', 'MARK', '--xor-mark', mark);
  n('-A', KUBE_POSTROUTING, '-m', 'comment', '--comment', q('kubernetes service traffic requiring SNAT'), '-j', 'MASQUERADE',
    ...(opts.randomFully ?? true ? ['--random-fully'] : []));
  n('-A', KUBE_MARK_MASQ, '-j', 'MARK', '--or-mark', mark);

  if (localhostNodePorts) {
    // route_localnet opens 127.0.0.0/8 to the network (https://issues.k8s.io/90259); this is upstream's mitigation.
    filterChains.push(chainLine(KUBE_FIREWALL));
    f('-A', KUBE_FIREWALL, '-m', 'comment', '--comment', q('block incoming localnet connections'), '-d', '127.0.0.0/8', '!', '-s', '127.0.0.0/8',
      '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP');
  }

  let totalEndpoints = 0;
  for (const p of snapshot.servicePorts) totalEndpoints += snapshot.endpoints.get(servicePortKey(p))?.length ?? 0;
  const largeClusterMode = totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
  const comment = (text: string): string[] => (largeClusterMode ? [] : ['-m', 'comment', '--comment', text]);

  const active = new Set<string>();
  for (const svc of snapshot.servicePorts) {
    const proto = svc.protocol.toLowerCase();
    const sp = svc.nameString;
    const port = String(svc.port);
    const { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints } =
      categorizeEndpoints(snapshot.endpoints.get(servicePortKey(svc)) ?? [], svc);
    const sepOf = (e: EndpointInfo): string => endpointChainOf(sp, proto, e);
    const names = chainsOf(svc, proto);
    for (const e of allReachableEndpoints) active.add(sepOf(e));

    const clusterChain = names.svc;
    const usesClusterChain = clusterEndpoints.length > 0 && usesClusterEndpoints(svc);
    if (usesClusterChain) active.add(clusterChain);
    const localChain = names.svl;
    const usesLocalChain = localEndpoints.length > 0 && usesLocalEndpoints(svc);
    if (usesLocalChain) active.add(localChain);

    let internalChain = clusterChain;
    let hasInternalEndpoints = hasAnyEndpoints;
    if (svc.internalPolicyLocal) {
      internalChain = localChain;
      if (localEndpoints.length === 0) hasInternalEndpoints = false;
    }
    let externalPolicyChain = clusterChain;
    let hasExternalEndpoints = hasAnyEndpoints;
    if (svc.externalPolicyLocal) {
      externalPolicyChain = localChain;
      if (localEndpoints.length === 0) hasExternalEndpoints = false;
    }
    const extChain = names.ext;
    // Based on hasAnyEndpoints, not hasExternalEndpoints: local traffic is short-circuited even with no local endpoints.
    const usesExtChain = hasAnyEndpoints && isExternallyAccessible(svc);
    if (usesExtChain) active.add(extChain);
    const fwChain = names.fw;
    const usesFwChain = hasAnyEndpoints && svc.loadBalancerVIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0;
    if (usesFwChain) active.add(fwChain);
    const lbChain = usesFwChain ? fwChain : extChain;

    let internalFilterTarget = '';
    let internalFilterComment = '';
    let externalFilterTarget = '';
    let externalFilterComment = '';
    if (!hasAnyEndpoints) {
      internalFilterTarget = externalFilterTarget = 'REJECT';
      internalFilterComment = externalFilterComment = q(`${sp} has no endpoints`);
    } else {
      if (!hasInternalEndpoints) {
        internalFilterTarget = 'DROP';
        internalFilterComment = q(`${sp} has no local endpoints`);
      }
      if (!hasExternalEndpoints) {
        externalFilterTarget = 'DROP';
        externalFilterComment = q(`${sp} has no local endpoints`);
      }
    }

    const match = ['-m', proto, '-p', proto];
    if (hasInternalEndpoints) {
      n('-A', KUBE_SERVICES, '-m', 'comment', '--comment', q(`${sp} cluster IP`), ...match, '-d', svc.clusterIP, '--dport', port, '-j', internalChain);
    } else {
      f('-A', KUBE_SERVICES, '-m', 'comment', '--comment', internalFilterComment, ...match, '-d', svc.clusterIP, '--dport', port, '-j', internalFilterTarget);
    }
    for (const ip of svc.externalIPs) {
      if (hasAnyEndpoints) n('-A', KUBE_SERVICES, '-m', 'comment', '--comment', q(`${sp} external IP`), ...match, '-d', ip, '--dport', port, '-j', extChain);
      if (!hasExternalEndpoints) f('-A', KUBE_EXTERNAL_SERVICES, '-m', 'comment', '--comment', externalFilterComment, ...match, '-d', ip, '--dport', port, '-j', externalFilterTarget);
    }
    for (const ip of svc.loadBalancerVIPs) {
      if (hasAnyEndpoints) n('-A', KUBE_SERVICES, '-m', 'comment', '--comment', q(`${sp} loadbalancer IP`), ...match, '-d', ip, '--dport', port, '-j', lbChain);
      if (usesFwChain) {
        f('-A', KUBE_PROXY_FIREWALL, '-m', 'comment', '--comment', q(`${sp} traffic not accepted by ${fwChain}`), ...match, '-d', ip, '--dport', port, '-j', 'DROP');
      }
    }
    if (!hasExternalEndpoints) {
      for (const ip of svc.loadBalancerVIPs) {
        f('-A', KUBE_EXTERNAL_SERVICES, '-m', 'comment', '--comment', externalFilterComment, ...match, '-d', ip, '--dport', port, '-j', externalFilterTarget);
      }
    }
    if (svc.nodePort !== 0) {
      if (hasAnyEndpoints) n('-A', KUBE_NODEPORTS, '-m', 'comment', '--comment', sp, ...match, '--dport', String(svc.nodePort), '-j', extChain);
      if (!hasExternalEndpoints) {
        f('-A', KUBE_EXTERNAL_SERVICES, '-m', 'comment', '--comment', externalFilterComment, '-m', 'addrtype', '--dst-type', 'LOCAL',
          ...match, '--dport', String(svc.nodePort), '-j', externalFilterTarget);
      }
    }
    if (svc.healthCheckNodePort !== 0) {
      // Accepted whether or not this node has local endpoints: the load balancer must get the 503.
      f('-A', KUBE_NODEPORTS, '-m', 'comment', '--comment', q(`${sp} health check node port`), '-m', 'tcp', '-p', 'tcp',
        '--dport', String(svc.healthCheckNodePort), '-j', 'ACCEPT');
    }

    if (changedServices && !changedServices.has(svc.serviceKey)) continue;

    if (hasInternalEndpoints) {
      const cip = ['-m', 'comment', '--comment', q(`${sp} cluster IP`), ...match, '-d', svc.clusterIP, '--dport', port];
      if (opts.masqueradeAll) n('-A', internalChain, ...cip, '-j', KUBE_MARK_MASQ);
      else if (det) n('-A', internalChain, ...cip, ...det.ifNotLocal, '-j', KUBE_MARK_MASQ);
    }

    if (usesExtChain) {
      natChains.push(chainLine(extChain));
      if (!svc.externalPolicyLocal) {
        n('-A', extChain, '-m', 'comment', '--comment', q(`masquerade traffic for ${sp} external destinations`), '-j', KUBE_MARK_MASQ);
      } else {
        if (det) n('-A', extChain, '-m', 'comment', '--comment', q(`pod traffic for ${sp} external destinations`), ...det.ifLocal, '-j', clusterChain);
        n('-A', extChain, '-m', 'comment', '--comment', q(`masquerade LOCAL traffic for ${sp} external destinations`),
          '-m', 'addrtype', '--src-type', 'LOCAL', '-j', KUBE_MARK_MASQ);
        n('-A', extChain, '-m', 'comment', '--comment', q(`route LOCAL traffic for ${sp} external destinations`),
          '-m', 'addrtype', '--src-type', 'LOCAL', '-j', clusterChain);
      }
      if (hasExternalEndpoints) n('-A', extChain, '-j', externalPolicyChain);
    }

    if (usesFwChain) {
      natChains.push(chainLine(fwChain));
      const fwArgs = ['-A', fwChain, '-m', 'comment', '--comment', q(`${sp} loadbalancer IP`)];
      let allowFromNode = false;
      for (const src of svc.loadBalancerSourceRanges) {
        n(...fwArgs, '-s', src, '-j', extChain);
        if (nodeIPs.some((ip) => cidrContains(src, ip))) allowFromNode = true;
      }
      // A VIP-style LB IP is local on the node: the node's own requests to it come from the LB IP.
      if (allowFromNode) for (const ip of svc.loadBalancerVIPs) n(...fwArgs, '-s', ip, '-j', extChain);
      n('-A', fwChain, '-m', 'comment', '--comment', q(`other traffic to ${sp} will be dropped by KUBE-PROXY-FIREWALL`));
    }

    const toEndpoints = (chain: string, eps: EndpointInfo[]): void => {
      natChains.push(chainLine(chain));
      if (svc.sessionAffinity) {
        for (const e of eps) {
          n('-A', chain, ...comment(q(`${sp} -> ${e.endpoint}`)), '-m', 'recent', '--name', sepOf(e),
            '--rcheck', '--seconds', String(svc.sessionAffinity.timeoutSeconds), '--reap', '-j', sepOf(e));
        }
      }
      eps.forEach((e, i) => {
        const c = largeClusterMode ? '' : ` -m comment --comment "${sp} -> ${e.endpoint}"`;
        const stat = i < eps.length - 1 ? ` -m statistic --mode random --probability ${probability(eps.length - i)}` : '';
        natRules.push(`-A ${chain}${c}${stat} -j ${sepOf(e)}`);
      });
    };
    if (usesClusterChain) toEndpoints(clusterChain, clusterEndpoints);
    if (usesLocalChain) toEndpoints(localChain, localEndpoints);

    for (const e of allReachableEndpoints) {
      const sep = sepOf(e);
      const c = largeClusterMode ? '' : ` -m comment --comment ${sp}`;
      natChains.push(chainLine(sep));
      natRules.push(`-A ${sep}${c} -s ${e.ip} -j ${KUBE_MARK_MASQ}`);
      natRules.push(`-A ${sep}${c}${svc.sessionAffinity ? ` -m recent --name ${sep} --set` : ''} -m ${proto} -p ${proto} -j DNAT --to-destination ${e.endpoint}`);
    }
  }

  const deletedChains: string[] = [];
  for (const chain of input.existingNatChains ?? []) {
    if (active.has(chain) || !isServiceChainName(chain)) continue;
    // Declaring the chain flushes it, so that -X finds it empty and unreferenced.
    natChains.push(chainLine(chain));
    natRules.push(`-X ${chain}`);
    deletedChains.push(chain);
  }

  // The jump to KUBE-NODEPORTS must be the last rule of KUBE-SERVICES.
  n('-A', KUBE_SERVICES, '-m', 'comment', '--comment', q('kubernetes service nodeports; NOTE: this must be the last rule in this chain'),
    '-m', 'addrtype', '--dst-type', 'LOCAL', ...(localhostNodePorts ? [] : ['!', '-d', '127.0.0.0/8']), '-j', KUBE_NODEPORTS);

  if (!opts.conntrackTcpBeLiberal) {
    // Packets conntrack finds INVALID would otherwise cause spurious resets (kubernetes/kubernetes#74839).
    f('-A', KUBE_FORWARD, '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP');
  }
  f('-A', KUBE_FORWARD, '-m', 'comment', '--comment', q('kubernetes forwarding rules'), '-m', 'mark', '--mark', `${mark}/${mark}`, '-j', 'ACCEPT');
  f('-A', KUBE_FORWARD, '-m', 'comment', '--comment', q('kubernetes forwarding conntrack rule'), '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');

  const text = ['*filter', ...filterChains, ...filterRules, 'COMMIT', '*nat', ...natChains, ...natRules, 'COMMIT', ''].join('\n');
  return { text, activeNatChains: active, deletedChains, largeClusterMode, filterRuleCount: filterRules.length, natRuleCount: natRules.length - deletedChains.length };
}

function chainLine(chain: string): string {
  return `:${chain} - [0:0]`;
}
