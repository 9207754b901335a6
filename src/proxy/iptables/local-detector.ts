/**
 * The local-traffic detector (upstream's pkg/proxy/util/localdetector.go),
 * ClusterCIDR mode: traffic from the cluster CIDR comes from a pod. The
 * iptables matches it contributes to rules; undefined when there is no
 * CIDR of the family (then no "not local" masquerade rule is written).
 */
import { parseIPv4Cidr } from '../cidr.js';

export interface LocalTrafficDetector {
  /** Matches traffic from a local pod, e.g. ['-s', '10.42.0.0/16']. */
  ifLocal: string[];
  /** Matches traffic not from a local pod, e.g. ['!', '-s', '10.42.0.0/16']. */
  ifNotLocal: string[];
}

/**
 * ClusterCIDR mode over the first IPv4 CIDR of `clusterCidrs` (kube-proxy
 * uses the first CIDR of each family). Throws on a CIDR that does not parse.
 */
export function clusterCidrDetector(clusterCidrs: readonly string[]): LocalTrafficDetector | undefined {
  for (const c of clusterCidrs) {
    if (c.includes(':')) continue;
    if (!parseIPv4Cidr(c)) throw new Error(`invalid cluster CIDR "${c}": want a.b.c.d/len`);
    return { ifLocal: ['-s', c.trim()], ifNotLocal: ['!', '-s', c.trim()] };
  }
  return undefined;
}
