import { isIP } from 'node:net';

/**
 * Returns the network-order bytes of an IPv4 (4 bytes) or IPv6 (16 bytes)
 * address, as an X.509 iPAddress SAN holds them; undefined when `text` is not
 * an IP literal (so it is a DNS name). IPv6 zone ids ("fe80::1%eth0") are not
 * IP literals for this purpose.
 */
export function ipBytes(text: string): Buffer | undefined {
  const family = isIP(text);
  if (family === 4) return Buffer.from(text.split('.').map((p) => Number.parseInt(p, 10)));
  if (family !== 6 || text.includes('%')) return undefined;

  let head = text;
  let v4Tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // Embedded IPv4 ("::ffff:10.0.0.1"): the last 32 bits in dotted form.
    v4Tail = text.slice(lastColon + 1).split('.').map((p) => Number.parseInt(p, 10));
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const [left, right] = head.split('::') as [string, string | undefined];
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((h) => Number.parseInt(h, 16)));
  const l = parse(left);
  const r = right === undefined ? [] : parse(right);
  const groups = right === undefined ? l : [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  if (v4Tail.length === 4) out.set(v4Tail, 12);
  return out;
}
