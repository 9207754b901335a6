/**
 * The upstream nameservers the cluster DNS forwards to: the `nameserver`
 * lines of a resolv.conf (CoreDNS's `forward . /etc/resolv.conf`), less the
 * DNS server's own address.
 */
import { isIP } from 'node:net';

export interface Upstream {
  host: string;
  port: number;
}

/** The `nameserver` addresses of resolv.conf text, in order; malformed lines are skipped. */
export function nameserversOf(resolvConf: string): string[] {
  const out: string[] = [];
  for (const raw of resolvConf.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, value] = line.split(/\s+/);
    if (key !== 'nameserver' || !value) continue;
    const ip = value.replace(/%.*$/, '');
    if (isIP(ip)) out.push(ip);
  }
  return out;
}

/**
 * Parses `ip`, `ip:port` or `[ipv6]:port` (port defaults to 53). Throws a
 * clear error on anything else.
 */
export function parseUpstream(s: string): Upstream {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  let host: string, port = '53';
  if (bracket) { host = bracket[1]!; port = bracket[2] ?? '53'; }
  else if (isIP(s) === 6) host = s;
  else { const i = s.lastIndexOf(':'); host = i < 0 ? s : s.slice(0, i); if (i >= 0) port = s.slice(i + 1); }
  const p = Number(port);
  if (!isIP(host) || !Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`invalid upstream nameserver "${s}": want ip, ip:port or [ipv6]:port`);
  return { host, port: p };
}

/** Drops the server's own listen address, which would loop queries back to itself (CoreDNS's `loop` plugin detects the same). */
export function withoutSelf(upstreams: Upstream[], self: Upstream): Upstream[] {
  return upstreams.filter((u) => !(u.host === self.host && u.port === self.port));
}
