/**
 * The set of node CIDRs of one cluster CIDR (upstream's
 * pkg/controller/nodeipam/ipam/cidrset/cidr_set.go): the cluster CIDR cut
 * into 2^(nodeMaskSize - clusterMaskSize) blocks, block i being the cluster
 * address with i in the bits between the two masks, and a record of which
 * are used.
 *
 * allocateNext() hands out the first free block at or after the one after
 * the last it handed out, wrapping around (upstream's nextCandidate): a
 * fresh set allocates in order from the lowest block, and a released block
 * is reused once the cursor comes round to it again, not at once.
 */
import { familyBits, formatCIDR, formatIP, lastAddress, netContains, type IPNet } from './ip-net.js';

/**
 * Upstream's clusterSubnetMaxDiff: an IPv6 cluster CIDR may hold at most
 * 2^16 node CIDRs (so /48 is the widest for the default /64 nodes).
 */
export const CLUSTER_SUBNET_MAX_DIFF = 16;

/** Upstream's ErrCIDRRangeNoCIDRsRemaining. */
export class CidrRangeFullError extends Error {
  constructor() {
    super('CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range');
    this.name = 'CidrRangeFullError';
  }
}

/** A CIDR that does not fall in (or overlap) the set's cluster CIDR. */
export class CidrOutOfRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CidrOutOfRangeError';
  }
}

export class CidrSet {
  readonly maxCIDRs: number;
  private readonly used = new Set<number>();
  private nextCandidate = 0;

  /**
   * Throws when `nodeMaskSize` is not between the cluster CIDR's prefix and
   * the family's bits, or (IPv6) when it is more than 16 bits longer than
   * the cluster's (upstream's "New CIDR set failed; the node CIDR size is
   * too big").
   */
  constructor(readonly clusterCIDR: IPNet, readonly nodeMaskSize: number) {
    const bits = familyBits(clusterCIDR.family);
    if (!Number.isInteger(nodeMaskSize) || nodeMaskSize < clusterCIDR.prefix || nodeMaskSize > bits) {
      throw new Error(`node CIDR mask size /${nodeMaskSize} does not fit cluster CIDR ${formatCIDR(clusterCIDR)}: it must be from /${clusterCIDR.prefix} to /${bits}`);
    }
    if (clusterCIDR.family === 6 && nodeMaskSize - clusterCIDR.prefix > CLUSTER_SUBNET_MAX_DIFF) {
      throw new Error(`New CIDR set failed; the node CIDR size is too big: ${formatCIDR(clusterCIDR)} with /${nodeMaskSize} node CIDRs (an IPv6 node mask may be at most ${CLUSTER_SUBNET_MAX_DIFF} bits longer than the cluster's)`);
    }
    this.maxCIDRs = 2 ** (nodeMaskSize - clusterCIDR.prefix);
  }

  /** How many blocks are in use. */
  get allocated(): number { return this.used.size; }

  /** Marks the next free block used and returns it; throws CidrRangeFullError when none is free. */
  allocateNext(): IPNet {
    if (this.used.size >= this.maxCIDRs) throw new CidrRangeFullError();
    let candidate = this.nextCandidate;
    while (this.used.has(candidate)) candidate = (candidate + 1) % this.maxCIDRs;
    this.nextCandidate = (candidate + 1) % this.maxCIDRs;
    this.used.add(candidate);
    return this.blockAt(candidate);
  }

  /** Marks every block `cidr` overlaps used (idempotent); throws CidrOutOfRangeError when it is outside the cluster CIDR. */
  occupy(cidr: IPNet): void {
    const [begin, end] = this.indices(cidr);
    for (let i = begin; i <= end; i++) this.used.add(i);
  }

  /** Marks every block `cidr` overlaps free; throws CidrOutOfRangeError when it is outside the cluster CIDR. */
  release(cidr: IPNet): void {
    const [begin, end] = this.indices(cidr);
    for (let i = begin; i <= end; i++) this.used.delete(i);
  }

  /** Whether the block holding `cidr`'s first address is in use. */
  isUsed(cidr: IPNet): boolean {
    return this.used.has(this.indexOf(cidr.ip));
  }

  private blockAt(index: number): IPNet {
    const shift = BigInt(familyBits(this.clusterCIDR.family) - this.nodeMaskSize);
    return { family: this.clusterCIDR.family, ip: this.clusterCIDR.ip | (BigInt(index) << shift), prefix: this.nodeMaskSize };
  }

  /** First and last block `cidr` overlaps (upstream's getBeginningAndEndIndices). */
  private indices(cidr: IPNet): [number, number] {
    const c = this.clusterCIDR;
    const overlaps = netContains(c, cidr.family, cidr.ip) || netContains(cidr, c.family, c.ip);
    if (!overlaps) throw new CidrOutOfRangeError(`cidr ${formatCIDR(cidr)} is out the range of cluster cidr ${formatCIDR(c)}`);
    if (cidr.prefix <= c.prefix) return [0, this.maxCIDRs - 1];
    return [this.indexOf(cidr.ip), this.indexOf(lastAddress(cidr))];
  }

  private indexOf(ip: bigint): number {
    const shift = BigInt(familyBits(this.clusterCIDR.family) - this.nodeMaskSize);
    const index = (this.clusterCIDR.ip ^ ip) >> shift;
    if (index >= BigInt(this.maxCIDRs)) {
      throw new CidrOutOfRangeError(`CIDR: ${formatIP(this.clusterCIDR.family, ip)}/${this.nodeMaskSize} is out of the range of CIDR allocator`);
    }
    return Number(index);
  }
}
