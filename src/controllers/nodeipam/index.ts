/**
 * Node IPAM (upstream's pkg/controller/nodeipam with the RangeAllocator):
 * each Node gets its podCIDR(s) from the cluster CIDR(s).
 */
export { startNodeIpamController, nodePodCIDRs, type NodeIpamControllerOptions } from './range-allocator.js';
export { CidrSet, CidrRangeFullError, CidrOutOfRangeError, CLUSTER_SUBNET_MAX_DIFF } from './cidr-set.js';
export {
  nodeIpamParams, DEFAULT_CLUSTER_CIDR, DEFAULT_NODE_CIDR_MASK_SIZE_IPV4, DEFAULT_NODE_CIDR_MASK_SIZE_IPV6,
  type NodeIpamFlags, type NodeIpamParams,
} from './params.js';
export { parseCIDR, parseIP, formatCIDR, formatIP, type IPNet, type IPFamily } from './ip-net.js';
