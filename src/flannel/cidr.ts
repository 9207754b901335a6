/** IPv4 CIDR arithmetic for flannel's plans. */
import { isIPv4 } from 'node:net';

export interface Ipv4Cidr {
  /** The network address (host bits cleared), dotted. */
  network: string;
  bits: number;
}

/** Parses `a.b.c.d/n`; undefined when malformed. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!m || !isIPv4(m[1]!) || Number(m[2]) > 32) return undefined;
  const bits = Number(m[2]);
  return { network: fromInt(toInt(m[1]!) & mask(bits)), bits };
}

/** Whether `ip` (an address or a CIDR's network) lies inside `cidr`. */
export function cidrContains(cidr: Ipv4Cidr, ip: string): boolean {
  const addr = ip.split('/')[0]!;
  if (!isIPv4(addr)) return false;
  return ((toInt(addr) & mask(cidr.bits)) >>> 0) === toInt(cidr.network);
}

function mask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

function toInt(ip: string): number {
  return ip.split('.').reduce((n, o) => ((n << 8) | Number(o)) >>> 0, 0);
}

function fromInt(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}
