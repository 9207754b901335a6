/**
 * The node IPAM controller's flags, checked as kube-controller-manager's
 * startNodeIpamController checks them (cmd/kube-controller-manager/app/core.go:
 * processCIDRs, setNodeCIDRMaskSizes): --cluster-cidr is one CIDR or, for
 * dual-stack, two of different families; the node mask sizes default to /24
 * (IPv4) and /64 (IPv6); --node-cidr-mask-size is for single-stack only and
 * excludes the per-family flags.
 */
import { CidrSet } from './cidr-set.js';
import { formatCIDR, parseCIDR, type IPNet } from './ip-net.js';

export const DEFAULT_CLUSTER_CIDR = '10.42.0.0/16';
export const DEFAULT_NODE_CIDR_MASK_SIZE_IPV4 = 24;
export const DEFAULT_NODE_CIDR_MASK_SIZE_IPV6 = 64;

/** The flags as given; a mask size of 0 means "not set", as upstream's config. */
export interface NodeIpamFlags {
  /** --cluster-cidr: comma-separated, at most one per family. */
  clusterCIDR: string;
  /** --node-cidr-mask-size (single-stack only). */
  nodeCIDRMaskSize: number;
  /** --node-cidr-mask-size-ipv4. */
  nodeCIDRMaskSizeIPv4: number;
  /** --node-cidr-mask-size-ipv6. */
  nodeCIDRMaskSizeIPv6: number;
  /** --service-cluster-ip-range: node CIDRs overlapping it are never handed out. Comma-separated; empty for none. */
  serviceCIDR: string;
}

/** What the range allocator runs with: one node mask size per cluster CIDR, index for index. */
export interface NodeIpamParams {
  clusterCIDRs: IPNet[];
  nodeCIDRMaskSizes: number[];
  serviceCIDRs: IPNet[];
}

/** Checks the flags; throws an Error naming the flag at fault. */
export function nodeIpamParams(f: NodeIpamFlags): NodeIpamParams {
  const clusterCIDRs = parseList('--cluster-cidr', f.clusterCIDR);
  if (clusterCIDRs.length === 0) throw new Error('--cluster-cidr is empty: give a CIDR such as 10.42.0.0/16');
  if (clusterCIDRs.length > 2) throw new Error(`--cluster-cidr ${JSON.stringify(f.clusterCIDR)}: at most 2 CIDRs (one IPv4, one IPv6), got ${clusterCIDRs.length}`);
  if (clusterCIDRs.length === 2 && clusterCIDRs[0]!.family === clusterCIDRs[1]!.family) {
    throw new Error(`--cluster-cidr ${JSON.stringify(f.clusterCIDR)}: two CIDRs must be dual-stack, one from each IP family`);
  }
  for (const [flag, v] of [['--node-cidr-mask-size', f.nodeCIDRMaskSize], ['--node-cidr-mask-size-ipv4', f.nodeCIDRMaskSizeIPv4], ['--node-cidr-mask-size-ipv6', f.nodeCIDRMaskSizeIPv6]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 128) throw new Error(`invalid ${flag} ${v}: want a prefix length`);
  }
  const masks = nodeCIDRMaskSizes(f, clusterCIDRs);
  clusterCIDRs.forEach((c, i) => {
    const bits = c.family === 4 ? 32 : 128;
    if (masks[i]! < c.prefix || masks[i]! > bits) {
      throw new Error(`invalid --cluster-cidr ${formatCIDR(c)}: its mask size must be less than or equal to the node CIDR mask size /${masks[i]} configured for IPv${c.family} (and that at most /${bits})`);
    }
    try {
      new CidrSet(c, masks[i]!);
    } catch (e) {
      throw new Error(`invalid --cluster-cidr ${formatCIDR(c)} with node CIDR mask size /${masks[i]}: ${(e as Error).message}`);
    }
  });
  return { clusterCIDRs, nodeCIDRMaskSizes: masks, serviceCIDRs: parseList('--service-cluster-ip-range', f.serviceCIDR) };
}

function parseList(flag: string, text: string): IPNet[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    try {
      return parseCIDR(s);
    } catch (e) {
      throw new Error(`invalid ${flag} ${JSON.stringify(text)}: ${(e as Error).message}`);
    }
  });
}

/** Upstream's setNodeCIDRMaskSizes, with its messages. */
function nodeCIDRMaskSizes(f: NodeIpamFlags, clusterCIDRs: IPNet[]): number[] {
  const sized = (v4: number, v6: number): number[] => clusterCIDRs.map((c) => (c.family === 6 ? v6 : v4));
  let v4 = DEFAULT_NODE_CIDR_MASK_SIZE_IPV4;
  let v6 = DEFAULT_NODE_CIDR_MASK_SIZE_IPV6;
  if (clusterCIDRs.length > 1) {
    if (f.nodeCIDRMaskSize !== 0) throw new Error('usage of --node-cidr-mask-size is not allowed with dual-stack clusters');
    return sized(f.nodeCIDRMaskSizeIPv4 || v4, f.nodeCIDRMaskSizeIPv6 || v6);
  }
  const singleStackIPv6 = clusterCIDRs[0]!.family === 6;
  if (f.nodeCIDRMaskSize !== 0) {
    if (f.nodeCIDRMaskSizeIPv4 !== 0 || f.nodeCIDRMaskSizeIPv6 !== 0) {
      throw new Error('usage of --node-cidr-mask-size-ipv4 and --node-cidr-mask-size-ipv6 is not allowed if --node-cidr-mask-size is set. For dual-stack clusters please unset it and use IPFamily specific flags');
    }
    return sized(f.nodeCIDRMaskSize, f.nodeCIDRMaskSize);
  }
  if (f.nodeCIDRMaskSizeIPv4 !== 0) {
    if (singleStackIPv6) throw new Error('usage of --node-cidr-mask-size-ipv4 is not allowed for a single-stack IPv6 cluster');
    v4 = f.nodeCIDRMaskSizeIPv4;
  }
  if (f.nodeCIDRMaskSizeIPv6 !== 0) {
    if (!singleStackIPv6) throw new Error('usage of --node-cidr-mask-size-ipv6 is not allowed for a single-stack IPv4 cluster');
    v6 = f.nodeCIDRMaskSizeIPv6;
  }
  return sized(v4, v6);
}
