/**
 * The node IPAM flags `k8ts server` and `k8ts controller-manager` share
 * (kube-controller-manager's names and k3s's defaults), checked before
 * anything starts.
 */
import { DEFAULT_CONTROLLER_MANAGER_CONFIG, nodeIpamParams, type ControllerManagerConfig } from '../controllers/index.js';
import { parseBool } from './flags.js';
import { UsageError } from './usage-error.js';

export const NODE_IPAM_FLAGS = {
  'allocate-node-cidrs': { type: 'string' },
  'cluster-cidr': { type: 'string' },
  'node-cidr-mask-size': { type: 'string' },
  'node-cidr-mask-size-ipv4': { type: 'string' },
  'node-cidr-mask-size-ipv6': { type: 'string' },
} as const;

export const NODE_IPAM_FLAGS_HELP = `  --allocate-node-cidrs BOOL         Give each node its podCIDR(s) from --cluster-cidr (default true)
  --cluster-cidr CIDR[,CIDR]         Pod IP range(s), one per IP family (default 10.42.0.0/16)
  --node-cidr-mask-size N            Node podCIDR prefix length, single-stack only (default 24 for IPv4, 64 for IPv6)
  --node-cidr-mask-size-ipv4 N       Node podCIDR prefix length in the IPv4 range (default 24)
  --node-cidr-mask-size-ipv6 N       Node podCIDR prefix length in the IPv6 range (default 64)
`;

type Values = { [K in keyof typeof NODE_IPAM_FLAGS]?: string | undefined };
type NodeIpamConfig = Pick<ControllerManagerConfig, 'allocateNodeCIDRs' | 'clusterCIDR' | 'nodeCIDRMaskSize' | 'nodeCIDRMaskSizeIPv4' | 'nodeCIDRMaskSizeIPv6' | 'serviceClusterIPRange'>;

/**
 * The controller manager config of the flags given (defaults left out);
 * throws a UsageError for a malformed flag or a combination upstream refuses.
 * `serviceClusterIPRange` is the service range node CIDRs must not overlap.
 */
export function nodeIpamConfig(values: Values, serviceClusterIPRange?: string): Partial<NodeIpamConfig> {
  const mask = (flag: 'node-cidr-mask-size' | 'node-cidr-mask-size-ipv4' | 'node-cidr-mask-size-ipv6'): number => {
    const text = values[flag];
    if (text === undefined) return 0;
    if (!/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > 128) throw new UsageError(`invalid --${flag} ${JSON.stringify(text)}: want a prefix length such as 24`);
    return Number(text);
  };
  const out: Partial<NodeIpamConfig> = {
    ...(values['allocate-node-cidrs'] !== undefined ? { allocateNodeCIDRs: parseBool('allocate-node-cidrs', values['allocate-node-cidrs']) } : {}),
    ...(values['cluster-cidr'] !== undefined ? { clusterCIDR: values['cluster-cidr'] } : {}),
    ...(values['node-cidr-mask-size'] !== undefined ? { nodeCIDRMaskSize: mask('node-cidr-mask-size') } : {}),
    ...(values['node-cidr-mask-size-ipv4'] !== undefined ? { nodeCIDRMaskSizeIPv4: mask('node-cidr-mask-size-ipv4') } : {}),
    ...(values['node-cidr-mask-size-ipv6'] !== undefined ? { nodeCIDRMaskSizeIPv6: mask('node-cidr-mask-size-ipv6') } : {}),
    ...(serviceClusterIPRange !== undefined ? { serviceClusterIPRange } : {}),
  };
  if (out.allocateNodeCIDRs !== false) {
    try {
      nodeIpamParams({
        clusterCIDR: out.clusterCIDR ?? DEFAULT_CONTROLLER_MANAGER_CONFIG.clusterCIDR, nodeCIDRMaskSize: out.nodeCIDRMaskSize ?? 0,
        nodeCIDRMaskSizeIPv4: out.nodeCIDRMaskSizeIPv4 ?? 0, nodeCIDRMaskSizeIPv6: out.nodeCIDRMaskSizeIPv6 ?? 0, serviceCIDR: serviceClusterIPRange ?? '',
      });
    } catch (e) {
      throw new UsageError((e as Error).message, { cause: e });
    }
  }
  return out;
}
