/**
 * Pod IPs per simulated node, from the node's podCIDR, as a host-local IPAM
 * plugin hands them out: the network address and the first address (the
 * bridge gateway) are never given, the broadcast address neither. One IP per
 * pod key; released when the pod goes away or finishes.
 */
import { cidrContains, formatIpv4, parseIpv4, parseIpv4Cidr, type Ipv4Cidr } from './cidr.js';

/** allocate() on a node that has no podCIDR yet: its pods wait, as a kubelet's do for their CNI. */
export class NoPodCidrError extends Error {
  constructor(readonly node: string) {
    super(`node ${node} has no podCIDR`);
    this.name = 'NoPodCidrError';
  }
}

interface NodePool {
  cidr: Ipv4Cidr;
  used: Set<number>;
  next: number;
}

export class PodIpAllocator {
  private readonly pools = new Map<string, NodePool>();
  /** pod key -> its node, uid and IP. */
  private readonly byPod = new Map<string, { node: string; uid: string; ip: number }>();

  /** Sets the (IPv4) podCIDR of `node`; a changed CIDR drops the node's old allocations. Returns whether it changed. */
  setNodeCidr(node: string, podCIDR: string): boolean {
    const cur = this.pools.get(node);
    const cidr = parseIpv4Cidr(podCIDR);
    if (cur && cur.cidr.base === cidr.base && cur.cidr.prefix === cidr.prefix) return false;
    if (cur) for (const [k, a] of this.byPod) if (a.node === node) this.byPod.delete(k);
    this.pools.set(node, { cidr, used: new Set(), next: 2 });
    return true;
  }

  /** Whether `node` has a podCIDR to allocate from. */
  hasNodeCidr(node: string): boolean { return this.pools.has(node); }

  /**
   * The IP of pod `key` (uid `uid`) on `node`: the one it holds, else a free
   * one. Throws NoPodCidrError when the node has no podCIDR yet, an Error when its range is full.
   */
  allocate(node: string, key: string, uid: string): string {
    const held = this.byPod.get(key);
    if (held && held.uid === uid && held.node === node) return formatIpv4(held.ip);
    if (held) this.release(key);
    const pool = this.pools.get(node);
    if (!pool) throw new NoPodCidrError(node);
    const size = 2 ** (32 - pool.cidr.prefix);
    for (let tries = 0; tries < size; tries++) {
      const off = pool.next;
      pool.next = pool.next + 1 >= size - 1 ? 2 : pool.next + 1;
      if (off < 2 || off >= size - 1 || pool.used.has(off)) continue;
      pool.used.add(off);
      const ip = pool.cidr.base + off;
      this.byPod.set(key, { node, uid, ip });
      return formatIpv4(ip);
    }
    throw new Error(`node ${node}: no free pod IP left in its podCIDR`);
  }

  /** Records an IP a pod already has (after a restart); false when it is outside the node's CIDR or taken by another pod. */
  reserve(node: string, key: string, uid: string, ip: string): boolean {
    const pool = this.pools.get(node);
    if (!pool || !cidrContains(pool.cidr, ip)) return false;
    const held = this.byPod.get(key);
    const n = parseIpv4(ip);
    if (held?.uid === uid && held.ip === n) return true;
    const off = n - pool.cidr.base;
    if (pool.used.has(off)) return false;
    if (held) this.release(key);
    pool.used.add(off);
    this.byPod.set(key, { node, uid, ip: n });
    return true;
  }

  /** Whether pod `key` holds an IP. */
  holds(key: string): boolean { return this.byPod.has(key); }

  release(key: string): void {
    const held = this.byPod.get(key);
    if (!held) return;
    this.byPod.delete(key);
    const pool = this.pools.get(held.node);
    pool?.used.delete(held.ip - pool.cidr.base);
  }

  /** IPs in use on `node`. */
  usedOn(node: string): number { return this.pools.get(node)?.used.size ?? 0; }
}
