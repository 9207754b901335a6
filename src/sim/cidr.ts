/**
 * IPv4 arithmetic for simulated nodes: a node InternalIP per index from a
 * node range, and pod addresses in a node's podCIDR (which the node IPAM
 * controller assigns).
 */

export interface Ipv4Cidr {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function parseIpv4(s: string): number {
  const parts = s.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new Error(`invalid IPv4 address ${JSON.stringify(s)}`);
  }
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Parses `a.b.c.d/p` (IPv4 only); host bits must be zero. */
export function parseIpv4Cidr(s: string): Ipv4Cidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s);
  const prefix = m ? Number(m[2]) : NaN;
  if (!m || prefix > 32) throw new Error(`invalid IPv4 CIDR ${JSON.stringify(s)} (want e.g. 10.128.0.0/9)`);
  const base = parseIpv4(m[1]!);
  if (base % 2 ** (32 - prefix) !== 0) throw new Error(`invalid IPv4 CIDR ${JSON.stringify(s)}: host bits are set`);
  return { base, prefix };
}

export function formatCidr(c: Ipv4Cidr): string {
  return `${formatIpv4(c.base)}/${c.prefix}`;
}

/** The `index`th usable host address of `range` (skipping the network address); throws when out of range. */
export function nthHost(range: Ipv4Cidr, index: number): string {
  const size = 2 ** (32 - range.prefix);
  if (index + 2 >= size) throw new Error(`node IP range ${formatCidr(range)} holds ${Math.max(0, size - 2)} addresses, too few for ${index + 1} nodes`);
  return formatIpv4(range.base + index + 1);
}

export function cidrContains(cidr: Ipv4Cidr, ip: string): boolean {
  let n: number;
  try { n = parseIpv4(ip); } catch { return false; }
  return n >= cidr.base && n < cidr.base + 2 ** (32 - cidr.prefix);
}
