/** IPv4 and IPv6 CIDR containment, for the route controller's "is this route ours". */
import { isIP } from 'node:net';

function toBigInt(ip: string): { v: bigint; bits: number } | undefined {
  const family = isIP(ip);
  if (family === 4) return { v: ip.split('.').reduce((a, o) => (a << 8n) | BigInt(Number(o)), 0n), bits: 32 };
  if (family !== 6) return undefined;
  const [head = '', tail = ''] = ip.split('::');
  const parts = (s: string): string[] => (s ? s.split(':') : []);
  const h = parts(head);
  const t = ip.includes('::') ? parts(tail) : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return { v: groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n), bits: 128 };
}

function parseCidr(cidr: string): { v: bigint; bits: number; prefix: number } | undefined {
  const [ip = '', p] = cidr.split('/');
  const a = toBigInt(ip);
  const prefix = Number(p);
  if (!a || p === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > a.bits) return undefined;
  return { ...a, prefix };
}

/** Whether `inner` lies within `outer`; false when either is malformed or the families differ. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  if (!o || !i || o.bits !== i.bits || i.prefix < o.prefix) return false;
  const shift = BigInt(o.bits - o.prefix);
  return (o.v >> shift) === (i.v >> shift);
}
