/**
 * Network namespaces for the nftables and userspace root tests: a "node"
 * namespace with two "pod" namespaces on veths, each pod running busybox
 * httpd that answers its own name, on netns.ts's helpers.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inNs, netnsTestSkip as baseSkip, sh } from './netns.js';

/** The iptables mode's helpers, with busybox (the pods' httpd) always required. */
export function netnsTestSkip(bins: Array<[bin: string, pkg: string]>): string | false {
  return baseSkip([['busybox', 'busybox-static'], ...bins]);
}

export { inNs, sh };

export const POD1 = '10.180.1.2';
export const POD2 = '10.180.2.2';
export const NODE_IP = '10.180.1.1';

export interface TestNetwork {
  node: string;
  pods: [string, string];
  /** Stops the httpds and deletes the namespaces; never throws. */
  destroy(): void;
}

/**
 * Namespaces `k8ts-<tag>-<random>`: node, pod1 (10.180.1.2, node side
 * 10.180.1.1) and pod2 (10.180.2.2); httpd on :8080 in each pod answers
 * "pod1"/"pod2"; service IPs (10.43.0.0/16) are routed out of the first
 * veth so that local connect()s reach the OUTPUT hook.
 */
export function makeTestNetwork(tag: string): TestNetwork {
  const suffix = randomBytes(3).toString('hex');
  const node = `k8ts-${tag}n-${suffix}`;
  const pods: [string, string] = [`k8ts-${tag}1-${suffix}`, `k8ts-${tag}2-${suffix}`];
  const www = mkdtempSync(join(tmpdir(), 'k8ts-proxy-www-'));
  const httpds: ChildProcess[] = [];
  const destroy = (): void => {
    for (const h of httpds) h.kill('SIGKILL');
    for (const n of [...pods, node]) spawnSync('ip', ['netns', 'delete', n]);
    rmSync(www, { recursive: true, force: true });
  };
  try {
    for (const ns of [node, ...pods]) {
      sh(['ip', 'netns', 'add', ns]);
      sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    }
    pods.forEach((pod, i) => {
      const hostIf = `kp${i + 1}-${suffix}`;
      sh(['ip', '-n', node, 'link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod]);
      sh(['ip', '-n', node, 'addr', 'add', `10.180.${i + 1}.1/24`, 'dev', hostIf]);
      sh(['ip', '-n', node, 'link', 'set', hostIf, 'up']);
      sh(['ip', '-n', pod, 'addr', 'add', `10.180.${i + 1}.2/24`, 'dev', 'eth0']);
      sh(['ip', '-n', pod, 'link', 'set', 'eth0', 'up']);
      sh(['ip', '-n', pod, 'route', 'add', 'default', 'via', `10.180.${i + 1}.1`]);
      const name = `pod${i + 1}`;
      mkdirSync(join(www, name));
      writeFileSync(join(www, name, 'index.html'), `${name}\n`);
      httpds.push(spawn('ip', ['netns', 'exec', pod, 'busybox', 'httpd', '-f', '-p', '8080', '-h', join(www, name)], { stdio: 'ignore' }));
    });
    // (No dummy device: this kernel may lack the module.)
    sh(['ip', '-n', node, 'route', 'add', '10.43.0.0/16', 'dev', `kp1-${suffix}`]);
    sh(['ip', 'netns', 'exec', node, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  } catch (err) {
    destroy();
    throw err;
  }
  return { node, pods, destroy };
}

/**
 * One HTTP GET from inside `ns` with busybox wget: the body, or the error
 * text. The timeout is spawnSync's: Debian's busybox 1.35 wget segfaults
 * when given -T.
 */
export function wget(ns: string, url: string): { ok: boolean; out: string; ms: number } {
  const started = Date.now();
  const r = spawnSync('ip', ['netns', 'exec', ns, 'busybox', 'wget', '-q', '-O', '-', url], { encoding: 'utf8', timeout: 5_000 });
  const out = (r.stdout + r.stderr).trim() || (r.signal ? `killed by ${r.signal}` : '');
  return { ok: r.status === 0, out, ms: Date.now() - started };
}

/** `n` GETs; how many answers each body got. */
export function spread(ns: string, url: string, n: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const r = wget(ns, url);
    const k = r.ok ? r.out : `error: ${r.out}`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** wget without blocking the event loop: needed when the proxy answering runs in this process (userspace mode). */
export function wgetAsync(ns: string, url: string): Promise<{ ok: boolean; out: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', ns, 'busybox', 'wget', '-q', '-O', '-', url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { out += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ ok: code === 0, out: out.trim() || (signal ? `killed by ${signal}` : ''), ms: Date.now() - started });
    });
  });
}

/** spread() with wgetAsync, one request at a time. */
export async function spreadAsync(ns: string, url: string, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const r = await wgetAsync(ns, url);
    const k = r.ok ? r.out : `error: ${r.out}`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}
