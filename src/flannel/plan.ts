/**
 * The routes, neighbours and FDB entries a node needs to reach every other
 * node's podCIDR, as plain data, and the `ip`/`bridge` commands that take
 * the kernel from what it has to that. Pure: the controller reads the
 * kernel's state (`ip -j`), plans, then runs the steps.
 *
 * host-gw (flannel's backend/hostgw): `<podCIDR> via <public-ip>`; works
 * only when every node is on one L2 network.
 * vxlan (flannel's backend/vxlan, v0.x "directRouting" off): per remote node
 * `<podCIDR> via <net>.0 dev flannel.1 onlink`, a permanent neighbour
 * `<net>.0 lladdr <VtepMAC>` and an FDB entry `<VtepMAC> dst <public-ip>`,
 * so the kernel encapsulates towards the right host without learning.
 */
import { isIPv4 } from 'node:net';
import type { FlannelBackend, Lease } from './annotations.js';
import { cidrContains, parseIpv4Cidr } from './cidr.js';

export const VXLAN_DEVICE = 'flannel.1';

/** An entry of `ip -j -4 route show`. */
export interface RouteEntry { dst: string; gateway?: string; dev?: string; flags?: string[] }
/** An entry of `ip -j neigh show dev flannel.1`. */
export interface NeighbourEntry { dst: string; lladdr?: string; state?: string[] }
/** An entry of `bridge -j fdb show dev flannel.1`. */
export interface FdbEntry { mac: string; dst?: string }

/** What the kernel has now. */
export interface KernelState {
  routes: RouteEntry[];
  neighbours: NeighbourEntry[];
  fdb: FdbEntry[];
}

export interface PlanInput {
  backend: FlannelBackend;
  /** This node and its own podCIDR (never routed elsewhere). */
  nodeName: string;
  subnet: string;
  /** --cluster-cidr: host-gw owns the gateway routes inside it. */
  clusterCidr: string;
  /** Every node's lease, this node's included or not. */
  leases: Lease[];
}

/** One command, and the node it is for (for the log line when it fails). */
export interface Step {
  node: string;
  argv: string[];
}

export interface Plan {
  steps: Step[];
  /** Leases left out, and why (another backend, a malformed address). */
  ignored: Array<{ node: string; reason: string }>;
}

/** The steps from `current` to the state `input` wants; empty when they agree. */
export function planNetwork(input: PlanInput, current: KernelState): Plan {
  const cluster = parseIpv4Cidr(input.clusterCidr);
  if (!cluster) throw new Error(`cluster CIDR ${JSON.stringify(input.clusterCidr)} is not an IPv4 CIDR`);
  const own = parseIpv4Cidr(input.subnet);
  const ignored: Plan['ignored'] = [];
  const remotes: Array<Lease & { network: string; dst: string }> = [];
  for (const l of input.leases) {
    if (l.nodeName === input.nodeName) continue;
    const subnet = parseIpv4Cidr(l.subnet);
    if (l.backendType !== input.backend) ignored.push({ node: l.nodeName, reason: `backend-type ${l.backendType}, not ${input.backend}` });
    else if (!subnet) ignored.push({ node: l.nodeName, reason: `podCIDR ${l.subnet} is not an IPv4 CIDR` });
    else if (!isIPv4(l.publicIP)) ignored.push({ node: l.nodeName, reason: `public-ip ${l.publicIP} is not an IPv4 address` });
    else if (own && subnet.network === own.network) ignored.push({ node: l.nodeName, reason: `podCIDR ${l.subnet} is this node's own` });
    else remotes.push({ ...l, network: subnet.network, dst: `${subnet.network}/${subnet.bits}` });
  }
  const steps: Step[] = [];
  if (input.backend === 'host-gw') {
    const wanted = new Set(remotes.map((r) => r.dst));
    for (const r of remotes) {
      if (!current.routes.some((c) => c.dst === r.dst && c.gateway === r.publicIP)) {
        steps.push({ node: r.nodeName, argv: ['ip', 'route', 'replace', r.dst, 'via', r.publicIP] });
      }
    }
    for (const c of current.routes) {
      if (isHostGwRoute(c, cluster, input.subnet) && !wanted.has(c.dst)) {
        steps.push({ node: nodeOfStale(c.dst), argv: ['ip', 'route', 'del', c.dst, 'via', c.gateway!] });
      }
    }
    return { steps, ignored };
  }
  const dev = VXLAN_DEVICE;
  const del: Step[] = [];
  const wantedRoutes = new Set(remotes.map((r) => r.dst));
  const wantedNeighbours = new Set(remotes.map((r) => r.network));
  const wantedMacs = new Set(remotes.map((r) => r.vtepMAC));
  for (const r of remotes) {
    const mac = r.vtepMAC!;
    if (!current.fdb.some((f) => f.mac === mac && f.dst === r.publicIP)) {
      steps.push({ node: r.nodeName, argv: ['bridge', 'fdb', 'replace', mac, 'dev', dev, 'dst', r.publicIP, 'self', 'permanent'] });
    }
    if (!current.neighbours.some((n) => n.dst === r.network && n.lladdr === mac)) {
      steps.push({ node: r.nodeName, argv: ['ip', 'neigh', 'replace', r.network, 'lladdr', mac, 'dev', dev, 'nud', 'permanent'] });
    }
    if (!current.routes.some((c) => c.dst === r.dst && c.gateway === r.network && c.dev === dev)) {
      steps.push({ node: r.nodeName, argv: ['ip', 'route', 'replace', r.dst, 'via', r.network, 'dev', dev, 'onlink'] });
    }
  }
  for (const c of current.routes) {
    if (c.dev === dev && c.gateway && !wantedRoutes.has(c.dst)) del.push({ node: nodeOfStale(c.dst), argv: ['ip', 'route', 'del', c.dst, 'dev', dev] });
  }
  for (const n of current.neighbours) {
    if (n.lladdr && n.state?.includes('PERMANENT') && !wantedNeighbours.has(n.dst)) del.push({ node: nodeOfStale(n.dst), argv: ['ip', 'neigh', 'del', n.dst, 'dev', dev] });
  }
  for (const f of current.fdb) {
    if (f.dst && !wantedMacs.has(f.mac)) del.push({ node: nodeOfStale(f.mac), argv: ['bridge', 'fdb', 'del', f.mac, 'dev', dev, 'dst', f.dst, 'self'] });
  }
  return { steps: [...del, ...steps], ignored };
}

/** A gateway route host-gw would have made: inside the cluster CIDR, not this node's podCIDR, not through the vxlan device. */
function isHostGwRoute(r: RouteEntry, cluster: NonNullable<ReturnType<typeof parseIpv4Cidr>>, ownSubnet: string): boolean {
  return r.gateway !== undefined && r.dst !== 'default' && r.dev !== VXLAN_DEVICE && r.dst !== ownSubnet && cidrContains(cluster, r.dst);
}

/** Stale entries belong to a node that is gone; the log names what is removed instead. */
function nodeOfStale(what: string): string {
  return `(removed node, ${what})`;
}
