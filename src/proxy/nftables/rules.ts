/**
 * The `nft -f -` transaction of one sync, as upstream's nftables
 * syncProxyRules builds it (pkg/proxy/nftables/proxier.go @b0f823e6, written
 * the way knftables prints a transaction). Pure: the same input gives the
 * same text. Service ports are visited in servicePortKey order.
 *
 * - Full sync (no `changedServices`): the table, base chains, top-level
 *   chains and containers are (re)declared and flushed (upstream's
 *   setupNFTables), then every service's chains and all elements. With
 *   `recreateTable` the table is first deleted, so nothing of an earlier
 *   run survives (done once at start).
 * - Partial sync: only the chains of services in `changedServices` are
 *   flushed and rewritten; map and set elements are diffed against
 *   `previousElements` (what the last successful sync left in the kernel).
 * - Service chains in `existingChains` no longer used are flushed (the
 *   caller deletes them at least 1 s later: before kernel 6.2 a chain a
 *   just-deleted map element pointed to still counts as referenced);
 *   unused affinity sets in `existingSets` are deleted at once.
 */
import type { ProxySnapshot } from '../change-tracker.js';
import { cidrContains } from '../cidr.js';
import { categorizeEndpoints, type EndpointInfo } from '../endpoints.js';
import { masqueradeMark } from '../iptables/rules.js';
import { isExternallyAccessible, servicePortKey, usesClusterEndpoints, usesLocalEndpoints } from '../service-port.js';
import {
  AFFINITY_PREFIX, ENDPOINT_PREFIX, EXTERNAL_PREFIX, FIREWALL_PREFIX, LOCAL_PREFIX, SERVICE_PREFIX,
  endpointChainNameBase, isAffinitySetName, isServiceChainName, servicePortChainNameBase,
} from './chain-names.js';
import type { NFTLocalTrafficDetector } from './local-detector.js';

export const KUBE_PROXY_TABLE = 'kube-proxy';
export type NFTFamily = 'ip' | 'ip6';

export const FILTER_PREROUTING = 'filter-prerouting';
export const FILTER_INPUT = 'filter-input';
export const FILTER_FORWARD = 'filter-forward';
export const FILTER_OUTPUT = 'filter-output';
export const FILTER_OUTPUT_POST_DNAT = 'filter-output-post-dnat';
export const NAT_PREROUTING = 'nat-prerouting';
export const NAT_OUTPUT = 'nat-output';
export const NAT_POSTROUTING = 'nat-postrouting';
export const SERVICES = 'services';
export const SERVICE_IPS = 'service-ips';
export const SERVICE_NODEPORTS = 'service-nodeports';
export const NODEPORT_IPS = 'nodeport-ips';
export const CLUSTER_IPS = 'cluster-ips';
export const SERVICE_ENDPOINTS_CHECK = 'service-endpoints-check';
export const NODEPORT_ENDPOINTS_CHECK = 'nodeport-endpoints-check';
export const NO_ENDPOINT_SERVICES = 'no-endpoint-services';
export const NO_ENDPOINT_NODEPORTS = 'no-endpoint-nodeports';
export const REJECT_CHAIN = 'reject-chain';
export const CLUSTER_IPS_CHECK = 'cluster-ips-check';
export const FIREWALL_IPS = 'firewall-ips';
export const FIREWALL_CHECK = 'firewall-check';
export const MARK_MASQ = 'mark-for-masquerade';
export const MASQUERADING = 'masquerading';

/** Base chains: name, type, hook, priority (dstnat -100, srcnat 100 in the ip and ip6 families, printed as numbers as knftables does). */
export const BASE_CHAINS: ReadonlyArray<readonly [string, 'filter' | 'nat', string, number]> = [
  [FILTER_PREROUTING, 'filter', 'prerouting', -110],
  [FILTER_INPUT, 'filter', 'input', -110],
  [FILTER_FORWARD, 'filter', 'forward', -110],
  [FILTER_OUTPUT, 'filter', 'output', -110],
  [FILTER_OUTPUT_POST_DNAT, 'filter', 'output', -90],
  [NAT_PREROUTING, 'nat', 'prerouting', -100],
  [NAT_OUTPUT, 'nat', 'output', -100],
  [NAT_POSTROUTING, 'nat', 'postrouting', 100],
];

/** Jumps from base chains (upstream's nftablesJumpChains, in its order): destination, source, guard. */
const JUMP_CHAINS: ReadonlyArray<readonly [string, string, string]> = [
  // reject is only valid in input/forward/output hooks before kernel 5.9, hence not from filter-prerouting.
  [NODEPORT_ENDPOINTS_CHECK, FILTER_INPUT, 'ct state new'],
  [SERVICE_ENDPOINTS_CHECK, FILTER_INPUT, 'ct state new'],
  [SERVICE_ENDPOINTS_CHECK, FILTER_FORWARD, 'ct state new'],
  [SERVICE_ENDPOINTS_CHECK, FILTER_OUTPUT, 'ct state new'],
  [FIREWALL_CHECK, FILTER_PREROUTING, 'ct state new'],
  [FIREWALL_CHECK, FILTER_OUTPUT, 'ct state new'],
  [SERVICES, NAT_OUTPUT, ''],
  [SERVICES, NAT_PREROUTING, ''],
  [MASQUERADING, NAT_POSTROUTING, ''],
  [CLUSTER_IPS_CHECK, FILTER_FORWARD, 'ct state new'],
  [CLUSTER_IPS_CHECK, FILTER_OUTPUT_POST_DNAT, 'ct state new'],
];

/** The maps and sets whose elements kube-proxy manages, in upstream's order. */
export const CONTAINERS: ReadonlyArray<readonly ['set' | 'map', string]> = [
  ['set', CLUSTER_IPS], ['map', SERVICE_IPS], ['map', FIREWALL_IPS],
  ['map', NO_ENDPOINT_SERVICES], ['map', NO_ENDPOINT_NODEPORTS], ['map', SERVICE_NODEPORTS],
];

export interface NFTablesRulesOptions {
  /** @default 'ip' */
  family?: NFTFamily;
  /** Undefined: no detector (no "not local" masquerade, no pod short-circuit). */
  localDetector?: NFTLocalTrafficDetector;
  /** @default false */
  masqueradeAll?: boolean;
  /** @default 14 */
  masqueradeBit?: number;
  /** A load-balancer source range holding one of these lets the node reach the LB IP. @default [] */
  nodeIPs?: readonly string[];
  /** Service CIDRs of the family: traffic to an unallocated IP in them is dropped. @default [] */
  serviceCidrs?: readonly string[];
}

/** One map or set element: its value (`goto <chain>`, `drop`; '' in a set) and comment. */
export interface NFTElement { value: string; comment?: string }
/** Elements per container name, keyed by the element's key (`ip . proto . port`). */
export type ElementState = Map<string, Map<string, NFTElement>>;

export interface NFTRenderInput {
  snapshot: ProxySnapshot;
  /** Services (`<ns>/<svc>`) whose chains to rewrite; undefined for a full sync. */
  changedServices?: ReadonlySet<string>;
  /** The elements the last successful sync left (partial syncs diff against them). */
  previousElements?: ElementState;
  /** Delete the table first (a full sync only). */
  recreateTable?: boolean;
  /** Chains and sets now in the table (nft list). */
  existingChains?: Iterable<string>;
  existingSets?: Iterable<string>;
}

export interface RenderedNFTables {
  /** The `nft -f -` input: one transaction. */
  text: string;
  /** The elements once the transaction is applied. */
  elements: ElementState;
  /** Every per-service and per-endpoint chain in use, written or not. */
  activeChains: Set<string>;
  /** Unused service chains this transaction flushes (to delete later). */
  staleChains: string[];
  /** Unused affinity sets this transaction deletes. */
  deletedSets: string[];
}

export function renderNFTablesTransaction(input: NFTRenderInput, opts: NFTablesRulesOptions = {}): RenderedNFTables {
  const family = opts.family ?? 'ip';
  const ipX = family;
  const addrType = family === 'ip' ? 'ipv4_addr' : 'ipv6_addr';
  const noLocalhost = family === 'ip' ? 'ip daddr != 127.0.0.0/8' : 'ip6 daddr != ::1';
  const mark = masqueradeMark(opts.masqueradeBit ?? 14);
  const det = opts.localDetector;
  const full = input.changedServices === undefined;
  const T = `${family} ${KUBE_PROXY_TABLE}`;
  const q = (s: string): string => JSON.stringify(s);

  const setup: string[] = [];
  const body: string[] = [];
  const tail: string[] = [];
  const rule = (out: string[], chain: string, r: string, comment?: string): void => {
    out.push(`add rule ${T} ${chain} ${r}${comment !== undefined ? ` comment ${q(comment)}` : ''}`);
  };
  const created = new Set<string>();
  const ensureChain = (out: string[], chain: string, write: boolean): void => {
    if (created.has(chain)) return;
    created.add(chain);
    if (!write) return;
    out.push(`add chain ${T} ${chain}`, `flush chain ${T} ${chain}`);
  };

  if (full) {
    const tableLine = `add table ${T} { comment "rules for kube-proxy" ; }`;
    if (input.recreateTable) setup.push(`add table ${T}`, `delete table ${T}`);
    setup.push(tableLine);
    for (const [name, type, hook, prio] of BASE_CHAINS) {
      setup.push(`add chain ${T} ${name} { type ${type} hook ${hook} priority ${prio} ; }`, `flush chain ${T} ${name}`);
    }
    const top = new Set<string>();
    const ensureTop = (chain: string): void => { if (!top.has(chain)) { top.add(chain); setup.push(`add chain ${T} ${chain}`, `flush chain ${T} ${chain}`); } };
    for (const [dst, src, guard] of JUMP_CHAINS) {
      ensureTop(dst);
      rule(setup, src, `${guard ? `${guard} ` : ''}jump ${dst}`);
    }
    for (const c of [SERVICES, CLUSTER_IPS_CHECK, MASQUERADING, MARK_MASQ]) ensureTop(c);
    rule(setup, MARK_MASQ, `mark set mark or ${mark}`);
    rule(setup, MASQUERADING, `mark and ${mark} == 0 return`);
    rule(setup, MASQUERADING, `mark set mark xor ${mark}`);
    rule(setup, MASQUERADING, 'masquerade fully-random');
    setup.push(`add set ${T} ${CLUSTER_IPS} { type ${addrType} ; comment "Active ClusterIPs" ; }`);
    rule(setup, CLUSTER_IPS_CHECK, `${ipX} daddr @${CLUSTER_IPS} reject`, 'Reject traffic to invalid ports of ClusterIPs');
    if (opts.serviceCidrs?.length) {
      rule(setup, CLUSTER_IPS_CHECK, `${ipX} daddr { ${opts.serviceCidrs.join(', ')} } drop`, 'Drop traffic to unallocated ClusterIPs');
    }
    // NodePorts answer on every local address (nodePortAddresses unset): the set is not used.
    setup.push(`add set ${T} ${NODEPORT_IPS} { type ${addrType} ; comment "IPs that accept NodePort traffic" ; }`, `delete set ${T} ${NODEPORT_IPS}`);
    setup.push(`add map ${T} ${NO_ENDPOINT_SERVICES} { type ${addrType} . inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to services with no endpoints" ; }`);
    setup.push(`add map ${T} ${NO_ENDPOINT_NODEPORTS} { type inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to service nodeports with no endpoints" ; }`);
    setup.push(`add chain ${T} ${REJECT_CHAIN} { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }`, `flush chain ${T} ${REJECT_CHAIN}`);
    rule(setup, REJECT_CHAIN, 'reject');
    rule(setup, SERVICE_ENDPOINTS_CHECK, `${ipX} daddr . meta l4proto . th dport vmap @${NO_ENDPOINT_SERVICES}`);
    rule(setup, NODEPORT_ENDPOINTS_CHECK, `${noLocalhost} meta l4proto . th dport vmap @${NO_ENDPOINT_NODEPORTS}`);
    setup.push(`add map ${T} ${FIREWALL_IPS} { type ${addrType} . inet_proto . inet_service : verdict ; comment "destinations that are subject to LoadBalancerSourceRanges" ; }`);
    rule(setup, FIREWALL_CHECK, `${ipX} daddr . meta l4proto . th dport vmap @${FIREWALL_IPS}`);
    setup.push(`add map ${T} ${SERVICE_IPS} { type ${addrType} . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }`);
    setup.push(`add map ${T} ${SERVICE_NODEPORTS} { type inet_proto . inet_service : verdict ; comment "NodePort traffic" ; }`);
    rule(setup, SERVICES, `${ipX} daddr . meta l4proto . th dport vmap @${SERVICE_IPS}`);
    rule(setup, SERVICES, `fib daddr type local ${noLocalhost} meta l4proto . th dport vmap @${SERVICE_NODEPORTS}`);
    for (const [kind, name] of CONTAINERS) setup.push(`flush ${kind} ${T} ${name}`);
  }

  const elements: ElementState = new Map(CONTAINERS.map(([, name]) => [name, new Map<string, NFTElement>()]));
  const ensureElem = (container: string, key: string, value: string, comment?: string): void => {
    elements.get(container)!.set(key, { value, ...(comment !== undefined ? { comment } : {}) });
  };

  const activeChains = new Set<string>();
  const activeSets = new Set<string>();
  for (const svc of input.snapshot.servicePorts) {
    const proto = svc.protocol.toLowerCase();
    const sp = svc.nameString;
    const base = servicePortChainNameBase(svc.namespace, svc.name, proto, svc.portName);
    const { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints } =
      categorizeEndpoints(input.snapshot.endpoints.get(servicePortKey(svc)) ?? [], svc);
    const write = full || input.changedServices!.has(svc.serviceKey);
    const epBases = new Map<string, string>();
    const epBase = (e: EndpointInfo): string => {
      let b = epBases.get(e.endpoint);
      if (b === undefined) epBases.set(e.endpoint, b = endpointChainNameBase(svc.namespace, svc.name, proto, svc.portName, e.endpoint));
      return b;
    };

    for (const e of allReachableEndpoints) {
      ensureChain(body, ENDPOINT_PREFIX + epBase(e), write);
      activeChains.add(ENDPOINT_PREFIX + epBase(e));
      if (svc.sessionAffinity) activeSets.add(AFFINITY_PREFIX + epBase(e));
    }
    const clusterPolicyChain = SERVICE_PREFIX + base;
    const usesClusterPolicyChain = clusterEndpoints.length > 0 && usesClusterEndpoints(svc);
    if (usesClusterPolicyChain) { ensureChain(body, clusterPolicyChain, write); activeChains.add(clusterPolicyChain); }
    const localPolicyChain = LOCAL_PREFIX + base;
    const usesLocalPolicyChain = localEndpoints.length > 0 && usesLocalEndpoints(svc);
    if (usesLocalPolicyChain) { ensureChain(body, localPolicyChain, write); activeChains.add(localPolicyChain); }

    let internalChain = clusterPolicyChain;
    let hasInternalEndpoints = hasAnyEndpoints;
    if (svc.internalPolicyLocal) {
      internalChain = localPolicyChain;
      if (localEndpoints.length === 0) hasInternalEndpoints = false;
    }
    let externalPolicyChain = clusterPolicyChain;
    let hasExternalEndpoints = hasAnyEndpoints;
    if (svc.externalPolicyLocal) {
      externalPolicyChain = localPolicyChain;
      if (localEndpoints.length === 0) hasExternalEndpoints = false;
    }
    const externalChain = EXTERNAL_PREFIX + base;
    // On hasAnyEndpoints, not hasExternalEndpoints: local traffic is short-circuited even with no local endpoints.
    const usesExternalChain = hasAnyEndpoints && isExternallyAccessible(svc);
    if (usesExternalChain) { ensureChain(body, externalChain, write); activeChains.add(externalChain); }

    let internalVerdict = '';
    let externalVerdict = '';
    if (!hasAnyEndpoints) {
      internalVerdict = externalVerdict = `goto ${REJECT_CHAIN}`;
    } else {
      if (!hasInternalEndpoints) internalVerdict = 'drop';
      if (!hasExternalEndpoints) externalVerdict = 'drop';
    }

    const port = String(svc.port);
    ensureElem(CLUSTER_IPS, svc.clusterIP, '');
    if (hasInternalEndpoints) ensureElem(SERVICE_IPS, `${svc.clusterIP} . ${proto} . ${port}`, `goto ${internalChain}`);
    else ensureElem(NO_ENDPOINT_SERVICES, `${svc.clusterIP} . ${proto} . ${port}`, internalVerdict, sp);
    for (const ip of svc.externalIPs) {
      if (hasAnyEndpoints) ensureElem(SERVICE_IPS, `${ip} . ${proto} . ${port}`, `goto ${externalChain}`);
      if (!hasExternalEndpoints) ensureElem(NO_ENDPOINT_SERVICES, `${ip} . ${proto} . ${port}`, externalVerdict, sp);
    }
    const usesFirewallChain = svc.loadBalancerVIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0;
    const firewallChain = FIREWALL_PREFIX + base;
    if (usesFirewallChain) { ensureChain(body, firewallChain, write); activeChains.add(firewallChain); }
    for (const ip of svc.loadBalancerVIPs) {
      if (hasAnyEndpoints) ensureElem(SERVICE_IPS, `${ip} . ${proto} . ${port}`, `goto ${externalChain}`);
      // Source ranges are checked before DNAT and even without endpoints.
      if (usesFirewallChain) ensureElem(FIREWALL_IPS, `${ip} . ${proto} . ${port}`, `goto ${firewallChain}`);
    }
    if (!hasExternalEndpoints) {
      for (const ip of svc.loadBalancerVIPs) ensureElem(NO_ENDPOINT_SERVICES, `${ip} . ${proto} . ${port}`, externalVerdict, sp);
    }
    if (svc.nodePort !== 0) {
      // NodePorts are not subject to loadBalancerSourceRanges (as upstream).
      if (hasAnyEndpoints) ensureElem(SERVICE_NODEPORTS, `${proto} . ${svc.nodePort}`, `goto ${externalChain}`);
      if (!hasExternalEndpoints) ensureElem(NO_ENDPOINT_NODEPORTS, `${proto} . ${svc.nodePort}`, externalVerdict, sp);
    }

    if (!write) continue;

    if (hasInternalEndpoints) {
      const cip = `${ipX} daddr ${svc.clusterIP} ${proto} dport ${port}`;
      if (opts.masqueradeAll) rule(body, internalChain, `${cip} jump ${MARK_MASQ}`);
      // Off-cluster traffic to a service IP (a static route to a node) may leave the node again: masquerade it.
      else if (det) rule(body, internalChain, `${cip} ${det.ifNotLocal} jump ${MARK_MASQ}`);
    }
    if (usesExternalChain) {
      if (!svc.externalPolicyLocal) {
        rule(body, externalChain, `jump ${MARK_MASQ}`);
      } else {
        if (det) rule(body, externalChain, `${det.ifLocal} goto ${clusterPolicyChain}`, 'short-circuit pod traffic');
        rule(body, externalChain, `fib saddr type local jump ${MARK_MASQ}`, 'masquerade local traffic');
        rule(body, externalChain, `fib saddr type local goto ${clusterPolicyChain}`, 'short-circuit local traffic');
      }
      if (hasExternalEndpoints) rule(body, externalChain, `goto ${externalPolicyChain}`);
    }
    if (usesFirewallChain) {
      const sources = [...svc.loadBalancerSourceRanges];
      // A VIP-style LB IP is local on the node: the node's own requests to it come from the LB IP.
      if (svc.loadBalancerSourceRanges.some((r) => (opts.nodeIPs ?? []).some((ip) => cidrContains(r, ip)))) sources.push(...svc.loadBalancerVIPs);
      rule(body, firewallChain, `${ipX} saddr != { ${sources.join(', ')} } drop`);
    }
    if (svc.sessionAffinity) {
      for (const e of allReachableEndpoints) {
        body.push(`add set ${T} ${AFFINITY_PREFIX}${epBase(e)} { type ${addrType} ; flags dynamic,timeout ; timeout ${svc.sessionAffinity.timeoutSeconds}s ; }`);
      }
    }
    const toEndpoints = (chain: string, eps: readonly EndpointInfo[]): void => {
      if (svc.sessionAffinity) {
        for (const e of eps) rule(body, chain, `${ipX} saddr @${AFFINITY_PREFIX}${epBase(e)} goto ${ENDPOINT_PREFIX}${epBase(e)}`);
      }
      rule(body, chain, `numgen random mod ${eps.length} vmap { ${eps.map((e, i) => `${i} : goto ${ENDPOINT_PREFIX}${epBase(e)}`).join(' , ')} }`);
    };
    if (usesClusterPolicyChain) toEndpoints(clusterPolicyChain, clusterEndpoints);
    if (usesLocalPolicyChain) toEndpoints(localPolicyChain, localEndpoints);
    for (const e of allReachableEndpoints) {
      const chain = ENDPOINT_PREFIX + epBase(e);
      // Hairpin: an endpoint reaching itself through the service.
      rule(body, chain, `${ipX} saddr ${e.ip} jump ${MARK_MASQ}`);
      if (svc.sessionAffinity) rule(body, chain, `update @${AFFINITY_PREFIX}${epBase(e)} { ${ipX} saddr }`);
      rule(body, chain, `meta l4proto ${proto} dnat to ${e.endpoint}`);
    }
  }

  const staleChains: string[] = [];
  const deletedSets: string[] = [];
  if (!input.recreateTable) {
    for (const chain of input.existingChains ?? []) {
      if (!isServiceChainName(chain) || activeChains.has(chain)) continue;
      tail.push(`flush chain ${T} ${chain}`);
      staleChains.push(chain);
    }
    for (const set of input.existingSets ?? []) {
      if (!isAffinitySetName(set) || activeSets.has(set)) continue;
      tail.push(`delete set ${T} ${set}`);
      deletedSets.push(set);
    }
  }

  // Element changes: after the chains they point to exist; deletions last (upstream's cleanupLeftoverKeys).
  const adds: string[] = [];
  const deletes: string[] = [];
  const elementLine = (verb: 'add' | 'delete', name: string, key: string, e?: NFTElement): string =>
    `${verb} element ${T} ${name} { ${key}${e?.comment !== undefined ? ` comment ${q(e.comment)}` : ''}${e?.value ? ` : ${e.value}` : ''} }`;
  for (const [, name] of CONTAINERS) {
    const now = elements.get(name)!;
    const before = full ? undefined : input.previousElements?.get(name);
    for (const [key, e] of now) {
      const old = before?.get(key);
      if (old && old.value === e.value && old.comment === e.comment) continue;
      if (old) adds.push(elementLine('delete', name, key));
      adds.push(elementLine('add', name, key, e));
    }
    if (before) for (const key of before.keys()) if (!now.has(key)) deletes.push(elementLine('delete', name, key));
  }

  const text = [...setup, ...body, ...adds, ...tail, ...deletes, ''].join('\n');
  return { text, elements, activeChains, staleChains, deletedSets };
}
