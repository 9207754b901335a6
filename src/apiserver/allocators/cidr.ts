/**
 * IPv4 CIDR arithmetic for the service IP range.
 */

export interface Ipv4Cidr {
  base: number;
  bits: number;
  /** Addresses in the range, network and broadcast included. */
  size: number;
  text: string;
}

export function parseIpv4(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(text: string): Ipv4Cidr {
  const [ip, b] = text.split('/');
  const base = parseIpv4(ip ?? '');
  const bits = Number(b);
  if (base === undefined || !Number.isInteger(bits) || bits < 8 || bits > 30) {
    throw new Error(`invalid IPv4 service CIDR ${JSON.stringify(text)}: want a.b.c.d/N with 8 <= N <= 30`);
  }
  const size = 2 ** (32 - bits);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { base: (base & mask) >>> 0, bits, size, text };
}
