/** IPv4 CIDR membership, for source ranges and the local-traffic detector. */

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** Parses `a.b.c.d/len`; undefined when it is not an IPv4 CIDR. */
export function parseIPv4Cidr(cidr: string): { base: number; bits: number } | undefined {
  const [ip, len, extra] = cidr.trim().split('/');
  if (extra !== undefined || ip === undefined || len === undefined || !/^\d{1,2}$/.test(len) || Number(len) > 32) return undefined;
  const n = ipv4ToInt(ip);
  if (n === undefined) return undefined;
  const bits = Number(len);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { base: (n & mask) >>> 0, bits };
}

/** Whether IPv4 `ip` lies in `cidr`; false for anything that does not parse. */
export function cidrContains(cidr: string, ip: string): boolean {
  const c = parseIPv4Cidr(cidr);
  const n = ipv4ToInt(ip);
  if (!c || n === undefined) return false;
  const mask = c.bits === 0 ? 0 : (~0 << (32 - c.bits)) >>> 0;
  return ((n & mask) >>> 0) === c.base;
}
