/**
 * Domain-name helpers of the cluster DNS: normalising query names, reverse
 * (PTR) names, and the dashed IP forms CoreDNS uses for endpoints and pods.
 */
import { isIP, isIPv4 } from 'node:net';

/** Lower case, no trailing dot: the form every index key uses (DNS names compare case-insensitively). */
export function normalizeName(name: string): string {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  return n.toLowerCase();
}

/** True when `name` is `zone` or under it (both normalised). */
export function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith('.' + zone);
}

/** Expands an IPv6 address to its 32 hex nibbles; undefined for anything else. */
function ipv6Nibbles(ip: string): string | undefined {
  if (isIP(ip) !== 6) return undefined;
  let s = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    s = s.slice(0, -v4[1]!.length) + ((b[0]! << 8) | b[1]!).toString(16) + ':' + ((b[2]! << 8) | b[3]!).toString(16);
  }
  const [head, tail] = s.includes('::') ? s.split('::') as [string, string] : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => g.padStart(4, '0')).join('');
}

/** The canonical text of an IP (IPv6 compressed as Node prints it), so index keys match whatever spelling the API used. */
export function canonicalIp(ip: string): string | undefined {
  const fam = isIP(ip);
  if (fam === 4) return ip.split('.').map((o) => String(Number(o))).join('.');
  if (fam !== 6) return undefined;
  const nibbles = ipv6Nibbles(ip)!;
  const groups = nibbles.match(/.{4}/g)!.map((g) => g.replace(/^0+(?=.)/, ''));
  // RFC 5952: compress the longest run (length ≥ 2) of zero groups, the first one on ties.
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return groups.slice(0, best).join(':') + '::' + groups.slice(best + bestLen).join(':');
}

/** `10.0.0.1` → `1.0.0.10.in-addr.arpa`; IPv6 → 32 reversed nibbles under `ip6.arpa`. */
export function reverseName(ip: string): string | undefined {
  if (isIPv4(ip)) return ip.split('.').map((o) => String(Number(o))).reverse().join('.') + '.in-addr.arpa';
  const n = ipv6Nibbles(ip);
  return n ? n.split('').reverse().join('.') + '.ip6.arpa' : undefined;
}

/** The IP a full reverse name stands for (canonical text); undefined for partial or malformed names. */
export function ipFromReverseName(name: string): string | undefined {
  if (name.endsWith('.in-addr.arpa')) {
    const parts = name.slice(0, -'.in-addr.arpa'.length).split('.');
    if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
    return parts.reverse().map(Number).join('.');
  }
  if (name.endsWith('.ip6.arpa')) {
    const parts = name.slice(0, -'.ip6.arpa'.length).split('.');
    if (parts.length !== 32 || !parts.every((p) => /^[0-9a-f]$/.test(p))) return undefined;
    const hex = parts.reverse().join('');
    return canonicalIp(hex.match(/.{4}/g)!.join(':'));
  }
  return undefined;
}

/** True for names under the reverse zones CoreDNS's kubernetes plugin is given (in-addr.arpa, ip6.arpa). */
export function isReverseName(name: string): boolean {
  return inZone(name, 'in-addr.arpa') || inZone(name, 'ip6.arpa');
}

/**
 * CoreDNS's endpoint name when the endpoint has no hostname: the IP with `.`
 * (or `:`) replaced by `-` (plugin/kubernetes/kubernetes.go endpointHostname).
 * A label may not end in `-`, so an IPv6 form ending in one gets a `0`.
 */
export function dashedIp(ip: string): string {
  const d = ip.toLowerCase().replace(/[.:]/g, '-');
  return d.endsWith('-') ? d + '0' : d;
}

/**
 * The IP of a pod label `a-b-c-d` (IPv6: dashes stand for colons), as
 * CoreDNS's `pods insecure` reads it (plugin/kubernetes/kubernetes.go
 * findPods); undefined when it is not a valid IP.
 */
export function ipFromPodLabel(label: string): string | undefined {
  const ip = (label.split('-').length === 4 && !label.includes('--')) ? label.replace(/-/g, '.') : label.replace(/-/g, ':');
  return isIP(ip) ? canonicalIp(ip) : undefined;
}
