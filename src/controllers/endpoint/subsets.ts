/**
 * Endpoints subsets (upstream's RepackSubsets): addresses are grouped by the
 * exact set of ports they serve, each group one subset, ready addresses in
 * `addresses` and the others in `notReadyAddresses`. Addresses, ports and
 * subsets come out sorted, so equal inputs give equal objects.
 */
import type { EndpointAddress, EndpointPort, EndpointSubset } from 'kubernetes-types/core/v1.js';

/** One (address, port) pair a pod contributes; `port` undefined for a headless Service without ports. */
export interface AddressPort {
  address: EndpointAddress;
  port?: EndpointPort;
  ready: boolean;
}

const addressKey = (a: EndpointAddress): string => `${a.ip}/${a.targetRef?.uid ?? ''}`;
const portKey = (p: EndpointPort): string => `${p.name ?? ''}/${p.port}/${p.protocol ?? 'TCP'}/${p.appProtocol ?? ''}`;

export function repackSubsets(pairs: readonly AddressPort[]): EndpointSubset[] {
  // address key -> (address, ready, ports)
  const byAddress = new Map<string, { address: EndpointAddress; ready: boolean; ports: Map<string, EndpointPort> }>();
  for (const { address, port, ready } of pairs) {
    const k = `${ready ? 'r' : 'n'}|${addressKey(address)}`;
    let e = byAddress.get(k);
    if (!e) byAddress.set(k, e = { address, ready, ports: new Map() });
    if (port) e.ports.set(portKey(port), port);
  }
  // port-set key -> subset under construction
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const e of byAddress.values()) {
    const ports = [...e.ports.entries()].sort(([a], [b]) => cmp(a, b)).map(([, p]) => p);
    const k = ports.map(portKey).join(',');
    let g = groups.get(k);
    if (!g) groups.set(k, g = { ports, ready: [], notReady: [] });
    (e.ready ? g.ready : g.notReady).push(e.address);
  }
  const sortAddrs = (as: EndpointAddress[]): EndpointAddress[] => as.sort((a, b) => cmpIP(a.ip, b.ip) || cmp(addressKey(a), addressKey(b)));
  return [...groups.entries()].sort(([a], [b]) => cmp(a, b)).map(([, g]) => ({
    ...(g.ready.length ? { addresses: sortAddrs(g.ready) } : {}),
    ...(g.notReady.length ? { notReadyAddresses: sortAddrs(g.notReady) } : {}),
    ...(g.ports.length ? { ports: g.ports } : {}),
  }));
}

/** Number of addresses (ready and not) over all subsets. */
export function countAddresses(subsets: readonly EndpointSubset[]): number {
  return subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** IPv4 addresses in numeric order; anything else by string. */
export function cmpIP(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  if (pa.length === 4 && pb.length === 4) {
    for (let i = 0; i < 4; i++) {
      const d = Number(pa[i]) - Number(pb[i]);
      if (d) return d;
    }
    return 0;
  }
  return cmp(a, b);
}
