/**
 * IPv4 and IPv6 networks as the node IPAM controller needs them: parse
 * (Go's net.ParseCIDR semantics: the host bits are masked off, so
 * `10.42.3.7/16` is `10.42.0.0/16`), format (RFC 5952 for IPv6, as Go's
 * net.IP.String), and containment. Addresses are bigints.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type IPFamily = 4 | 6;

/** A network: its family, its address with the host bits zero, and its prefix length. */
export interface IPNet {
  family: IPFamily;
  ip: bigint;
  prefix: number;
}

export const familyBits = (f: IPFamily): number => (f === 4 ? 32 : 128);

/** The address of `s` as a number, or undefined when it is not an IP address. */
export function parseIP(s: string): { family: IPFamily; value: bigint } | undefined {
  if (isIPv4(s)) return { family: 4, value: ipv4Value(s) };
  if (!isIPv6(s) || s.includes('%')) return undefined;
  let text = s;
  if (text.includes('.')) {
    // An embedded IPv4 tail (::ffff:1.2.3.4) becomes its two hex groups.
    const at = text.lastIndexOf(':') + 1;
    const v4 = ipv4Value(text.slice(at));
    text = `${text.slice(0, at)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const groups = (p: string | undefined): bigint[] => (p ? p.split(':').filter((g) => g !== '').map((g) => BigInt(`0x${g}`)) : []);
  const left = groups(head);
  const right = groups(rest);
  const fill = rest === undefined ? [] : new Array<bigint>(8 - left.length - right.length).fill(0n);
  const all = rest === undefined ? [...left, ...right] : [...left, ...fill, ...right];
  if (all.length !== 8) return undefined;
  return { family: 6, value: all.reduce((n, g) => (n << 16n) | g, 0n) };
}

function ipv4Value(s: string): bigint {
  return s.split('.').reduce((n, p) => (n << 8n) | BigInt(Number(p)), 0n);
}

/** `a.b.c.d/p` or `x::y/p`; throws `invalid CIDR address: <s>` (Go's message). */
export function parseCIDR(s: string): IPNet {
  const slash = s.indexOf('/');
  const addr = slash > 0 ? parseIP(s.slice(0, slash)) : undefined;
  const prefixText = slash > 0 ? s.slice(slash + 1) : '';
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!addr || !(prefix <= familyBits(addr.family))) throw new Error(`invalid CIDR address: ${s}`);
  return { family: addr.family, ip: addr.value & maskOf(addr.family, prefix), prefix };
}

export function maskOf(family: IPFamily, prefix: number): bigint {
  const bits = BigInt(familyBits(family));
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

export function formatIP(family: IPFamily, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run (of two or more) of zero groups becomes '::', the first one on a tie.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export function formatCIDR(n: IPNet): string {
  return `${formatIP(n.family, n.ip)}/${n.prefix}`;
}

/** Whether `net` holds the address `value` of family `family`. */
export function netContains(net: IPNet, family: IPFamily, value: bigint): boolean {
  return net.family === family && (value & maskOf(family, net.prefix)) === net.ip;
}

/** The last address of `net`. */
export function lastAddress(net: IPNet): bigint {
  return net.ip | (((1n << BigInt(familyBits(net.family))) - 1n) ^ maskOf(net.family, net.prefix));
}
