/**
 * The upstream nameservers the cluster DNS forwards to: the `nameserver`
 * lines of a resolv.conf (CoreDNS's `forward . /etc/resolv.conf`), less the
 * DNS server's own address.
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

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

/**
 * Drops the server's own listen address, which would loop queries back to
 * itself (CoreDNS's `loop` plugin stops on the same). A wildcard listen
 * address (0.0.0.0, ::) stands for every local address, loopback included.
 */
export function withoutSelf(upstreams: Upstream[], self: Upstream, localAddresses: () => string[] = hostAddresses): Upstream[] {
  const wildcard = self.host === '0.0.0.0' || self.host === '::';
  const mine = new Set(wildcard ? localAddresses() : [self.host]);
  const isSelf = (u: Upstream): boolean => u.port === self.port && (mine.has(u.host) || (wildcard && (u.host.startsWith('127.') || u.host === '::1')));
  return upstreams.filter((u) => !isSelf(u));
}

function hostAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));
}
