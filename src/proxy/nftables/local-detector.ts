/**
 * The ClusterCIDR local-traffic detector in nftables syntax (upstream's
 * pkg/proxy/util/localdetector.go IfLocalNFT / IfNotLocalNFT): traffic
 * from the first cluster CIDR of the family comes from a pod.
 */
import { parseIPv4Cidr } from '../cidr.js';

export interface NFTLocalTrafficDetector {
  /** e.g. `ip saddr 10.42.0.0/16` */
  ifLocal: string;
  /** e.g. `ip saddr != 10.42.0.0/16` */
  ifNotLocal: string;
}

/** Over the first CIDR of the family in `clusterCidrs`; undefined when there is none. Throws on an IPv4 CIDR that does not parse. */
export function nftClusterCidrDetector(clusterCidrs: readonly string[], family: 'ip' | 'ip6' = 'ip'): NFTLocalTrafficDetector | undefined {
  for (const c of clusterCidrs) {
    if (family === 'ip6') {
      if (!c.includes(':')) continue;
      if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(c.trim())) throw new Error(`invalid cluster CIDR "${c}"`);
      return { ifLocal: `ip6 saddr ${c.trim()}`, ifNotLocal: `ip6 saddr != ${c.trim()}` };
    }
    if (c.includes(':')) continue;
    if (!parseIPv4Cidr(c)) throw new Error(`invalid cluster CIDR "${c}": want a.b.c.d/len`);
    return { ifLocal: `ip saddr ${c.trim()}`, ifNotLocal: `ip saddr != ${c.trim()}` };
  }
  return undefined;
}
