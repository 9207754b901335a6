/**
 * Throwaway network namespaces for the proxy's root tests and benches:
 * names `k8ts-<tag>-<random>`, created with `ip netns add`, always deleted
 * by the caller (deleting a namespace removes its veths and rules too).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** Why a root network test cannot run here (missing root or binaries), or false. */
export function netnsTestSkip(bins: Array<[bin: string, pkg: string]>): string | false {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root');
  for (const [bin, pkg] of [['ip', 'iproute2'], ...bins] as Array<[string, string]>) {
    if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) missing.push(`${bin} (apt-get install ${pkg})`);
  }
  return missing.length ? `needs ${missing.join('; ')}` : false;
}

export function sh(argv: string[]): string {
  return execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function netnsName(tag: string): string {
  return `k8ts-${tag}-${randomBytes(3).toString('hex')}`;
}

export function addNetns(name: string): void {
  sh(['ip', 'netns', 'add', name]);
  sh(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
}

/** Deletes the namespaces that exist; never throws. */
export function deleteNetns(...names: string[]): void {
  for (const n of names) spawnSync('ip', ['netns', 'delete', n]);
}

/** `ip netns exec <ns> ...argv` */
export const inNs = (ns: string, argv: string[]): string[] => ['ip', 'netns', 'exec', ns, ...argv];

/** Joins `pod` to `host` by a veth: host side `hostIP/24`, pod side `podIP/24` with a default route back. */
export function vethPair(host: string, pod: string, hostIf: string, hostIP: string, podIP: string): void {
  sh(['ip', '-n', host, 'link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod]);
  sh(['ip', '-n', host, 'addr', 'add', `${hostIP}/24`, 'dev', hostIf]);
  sh(['ip', '-n', host, 'link', 'set', hostIf, 'up']);
  sh(['ip', '-n', pod, 'addr', 'add', `${podIP}/24`, 'dev', 'eth0']);
  sh(['ip', '-n', pod, 'link', 'set', 'eth0', 'up']);
  sh(['ip', '-n', pod, 'route', 'add', 'default', 'via', hostIP]);
}
