/**
 * The Service data path (issue 14) on a server and two agents wired as
 * separate hosts (test/harness/multi-node.ts, flannel host-gw): a server
 * pod on node-2, a client pod on node-1, a ClusterIP Service in front of
 * the server pod, and `--services` more selector-less Services (each with
 * an EndpointSlice to the server pod) so kube-proxy's rule set is
 * upstream-sized. For each kube-proxy mode (iptables, nftables when nft is
 * installed, userspace; the agents are restarted into each and the bench
 * waits until the mode's rules hold every Service and the Service answers):
 * - throughput: iperf3 (one stream, `--seconds` each, the best of
 *   `--runs`, both ways: the client sending, then with -R the server)
 *   from the client pod's network namespace to the server pod's IP
 *   (direct) and to the ClusterIP, and their ratio; targets: userspace >= 50% (upstream's
 *   userspace proxy reached 36% in 2015), iptables and nftables >= 95%;
 * - first-packet latency: TCP connect time, p50 and p99 of `--connects`,
 *   to the ClusterIP and to the pod IP (bench/connect-probe.ts in the
 *   client pod's namespace); upstream's figures at 5,000 Services:
 *   iptables p50 0.047 ms, nftables about 0.012 ms.
 * iperf3 and the connect probe run from this host under nsenter in the
 * pods' namespaces (busybox has no iperf3). Needs root, the node packages,
 * iptables, iperf3, nsenter and kubectl 1.35; skips saying which are missing.
 *
 *   node dist/bench/service-proxy.js [--services N] [--seconds S] [--runs N] [--connects N] [--modes a,b]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { RESOURCES, RestClient, loadKubeconfig } from '../src/client/index.js';
import { findExecutable } from '../src/kubelet/index.js';
import { findKubectl } from '../test/harness/clients.js';
import { eventually } from '../test/harness/kubectl.js';
import { createMultiNodeCluster, type AgentHost, type MultiNodeCluster } from '../test/harness/multi-node.js';
import { BUSYBOX } from '../test/node/node-under-test.js';
import { nodeBenchUnavailable } from './node-agent.js';
import { ms, pct, printTable, type ResultRow } from './stats.js';

const { values } = parseArgs({ options: {
  services: { type: 'string', default: '5000' },
  seconds: { type: 'string', default: '5' },
  connects: { type: 'string', default: '2000' },
  runs: { type: 'string', default: '3' },
  modes: { type: 'string' },
} });
const EXTRA = Number(values.services);
const SECONDS = Number(values.seconds);
const CONNECTS = Number(values.connects);
const RUNS = Number(values.runs);
const IPERF_PORT = 5201;
const CONNECT_PORT = 8080;
const THROUGHPUT_TARGET: Record<string, number> = { iptables: 0.95, nftables: 0.95, userspace: 0.5 };
/** Upstream's connect-time p50 through a ClusterIP at 5,000 Services, in ms. */
const UPSTREAM_P50: Record<string, string> = { iptables: 'upstream 0.047 ms', nftables: 'upstream ~0.012 ms' };

function unavailable(): string | undefined {
  if (![EXTRA, SECONDS, CONNECTS, RUNS].every((n) => Number.isInteger(n) && n >= 0) || SECONDS === 0 || CONNECTS === 0 || RUNS === 0) {
    return `bad flags: --services ${values.services} --seconds ${values.seconds} --connects ${values.connects} --runs ${values.runs}`;
  }
  const missing = [['iperf3', 'iperf3'], ['nsenter', 'util-linux'], ['iptables', 'iptables']].filter(([bin]) => !findExecutable(bin!)).map(([b, p]) => `${b} (${p})`);
  const kubectl = findKubectl(35);
  return nodeBenchUnavailable() ?? (missing.length ? `needs ${missing.join(', ')}` : undefined) ?? (kubectl.path ? undefined : kubectl.reason);
}

function pod(name: string, nodeName: string, labels: Record<string, string>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels },
    spec: { nodeName, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: BUSYBOX, command: ['sh', '-c', 'trap "exit 0" TERM; sleep 100000 & wait'] }] } };
}

/** The network namespace of a running pod: /proc/PID/ns/net of its container's process (found by the container ID in its cgroup). */
function podNetns(c: MultiNodeCluster, name: string): { netns: string; ip: string } {
  const p = JSON.parse(c.kubectl.ok(['get', 'pod', name, '-o', 'json'])) as Pod;
  const id = p.status?.containerStatuses?.[0]?.containerID?.replace(/^[a-z]+:\/\//, '');
  if (!id || !p.status?.podIP) throw new Error(`pod ${name}: no container ID or pod IP yet`);
  c.ids.add(id);
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`/proc/${e}/cgroup`, 'utf8').includes(id)) return { netns: `/proc/${e}/ns/net`, ip: p.status.podIP };
    } catch { /* exited */ }
  }
  throw new Error(`pod ${name}: no process of container ${id}`);
}

function inNetns(netns: string, argv: string[]): string[] {
  return [`--net=${netns}`, '--', ...argv];
}

/** Starts a long-running process in a namespace; resolves once it printed something (or after 1 s). */
async function startIn(netns: string, argv: string[]): Promise<ChildProcess> {
  const child = spawn('nsenter', inNetns(netns, argv), { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, 1000);
    child.stdout!.once('data', () => { clearTimeout(t); resolve(); });
    child.once('exit', (code) => { clearTimeout(t); reject(new Error(`${argv.join(' ')} exited ${code}`)); });
  });
  child.stdout!.resume();
  return child;
}

/** Bits per second received in one iperf3 run (one stream); `reverse`: the server sends. */
function iperf(netns: string, host: string, reverse: boolean): number {
  const out = execFileSync('nsenter', inNetns(netns, ['iperf3', '-c', host, '-p', String(IPERF_PORT), '-t', String(SECONDS), '-P', '1', '-J', ...(reverse ? ['-R'] : [])]),
    { encoding: 'utf8', timeout: (SECONDS + 30) * 1000, maxBuffer: 16 << 20 });
  const r = JSON.parse(out) as { end?: { sum_received?: { bits_per_second?: number } }; error?: string };
  const bps = r.end?.sum_received?.bits_per_second;
  if (!bps) throw new Error(`iperf3 to ${host}: ${r.error ?? 'no result'}`);
  return bps;
}

/** Connect times in ms, sorted. */
function connectTimes(netns: string, host: string, count = CONNECTS): number[] {
  const probe = fileURLToPath(new URL('./connect-probe.js', import.meta.url));
  const out = execFileSync('nsenter', inNetns(netns, [process.execPath, probe, host, String(CONNECT_PORT), String(count)]),
    { encoding: 'utf8', timeout: 300_000, maxBuffer: 16 << 20 });
  return (JSON.parse(out) as number[]).sort((a, b) => a - b);
}

const sleep = (msecs: number): Promise<void> => new Promise((r) => setTimeout(r, msecs));
const quantile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))] ?? Number.NaN;
const gbit = (bps: number): string => `${(bps / 1e9).toFixed(2)} Gbit/s`;
const fine = (v: number): string => (v < 1 ? `${v.toFixed(3)} ms` : ms(v));

/** The N extra Services and their EndpointSlices, created `parallel` at a time. */
async function createExtraServices(client: RestClient, serverIP: string, parallel = 32): Promise<void> {
  let next = 0;
  const one = async (i: number): Promise<void> => {
    const name = `extra-${i}`;
    await client.create<Service>(RESOURCES.services, { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' },
      spec: { ports: [{ name: 'tcp', port: CONNECT_PORT, protocol: 'TCP' }] } });
    await client.create<EndpointSlice>(RESOURCES.endpointslices, { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
      metadata: { name: `${name}-1`, namespace: 'default', labels: { 'kubernetes.io/service-name': name } },
      ports: [{ name: 'tcp', port: CONNECT_PORT, protocol: 'TCP' }],
      endpoints: [{ addresses: [serverIP], conditions: { ready: true }, nodeName: 'node-2' }] } as EndpointSlice);
  };
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < EXTRA) await one(next++);
  }));
}

/** Whether `node`'s rules for `mode` hold every given ClusterIP (the dumps of thousands of Services pass 1 MiB: no AgentHost.exec). */
function rulesHold(node: AgentHost, mode: string, ips: string[]): boolean {
  const argv = mode === 'nftables' ? ['nft', 'list', 'table', 'ip', 'kube-proxy'] : ['iptables-save', '-t', 'nat'];
  const text = execFileSync('ip', ['netns', 'exec', node.netns, ...argv], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  const marker = mode === 'iptables' ? 'KUBE-SVC-' : mode === 'userspace' ? 'KUBE-PORTALS-CONTAINER' : 'service-ips';
  return text.includes(marker) && ips.every((ip) => text.includes(ip));
}

async function main(): Promise<void> {
  const why = unavailable();
  if (why) {
    console.log(`service-proxy benchmark skipped: ${why}`);
    return;
  }
  const modes = values.modes?.split(',') ?? ['iptables', ...(findExecutable('nft') ? ['nftables'] : []), 'userspace'];
  if (!values.modes && !findExecutable('nft')) console.log('nftables mode not measured: no nft binary (apt-get install nftables)');
  const c = createMultiNodeCluster({ name: 'svcbench', agents: 2, topology: 'l2', flannelBackend: 'host-gw', agentArgs: ['--proxy-mode', modes[0]!] });
  const children: ChildProcess[] = [];
  const rows: ResultRow[] = [];
  const started = performance.now();
  const interrupted = (): void => { void c.cleanup().finally(() => process.exit(130)); };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  try {
    await c.start();
    await c.waitReady();
    const [n1, n2] = c.agents as [AgentHost, AgentHost];
    c.kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
      pod('bench-client', n1.nodeName, { app: 'bench-client' }),
      pod('bench-server', n2.nodeName, { app: 'bench-server' }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bench', namespace: 'default' }, spec: { selector: { app: 'bench-server' },
        ports: [{ name: 'iperf', port: IPERF_PORT }, { name: 'tcp', port: CONNECT_PORT }] } },
    ] }) });
    for (const name of ['bench-client', 'bench-server']) {
      await eventually(() => c.kubectl.run(['get', 'pod', name, '-o', 'jsonpath={.status.phase}']).stdout === 'Running' || undefined, 180_000, `${name} Running`);
    }
    const client = podNetns(c, 'bench-client');
    const server = podNetns(c, 'bench-server');
    const clusterIP = c.kubectl.ok(['get', 'svc', 'bench', '-o', 'jsonpath={.spec.clusterIP}']);
    children.push(await startIn(server.netns, ['iperf3', '-s', '-p', String(IPERF_PORT)]));
    children.push(await startIn(server.netns, [process.execPath, '-e',
      `require('net').createServer((s) => s.on('error', () => s.destroy()).on('end', () => s.destroy())).listen(${CONNECT_PORT}, () => console.log('listening'))`]));
    const t0 = performance.now();
    const api = new RestClient(loadKubeconfig(c.server.kubeconfig), { component: 'service-proxy-bench' });
    await createExtraServices(api, server.ip);
    const createdIn = (performance.now() - t0) / 1000;
    const lastExtra = EXTRA > 0 ? [c.kubectl.ok(['get', 'svc', `extra-${EXTRA - 1}`, '-o', 'jsonpath={.spec.clusterIP}'])] : [];
    console.log(`${EXTRA} extra Services and EndpointSlices created in ${createdIn.toFixed(1)} s`);
    rows.push({ name: 'Services in the rule set', value: `${EXTRA + 2}` });

    for (const [i, mode] of modes.entries()) {
      if (i > 0) for (const n of [n1, n2]) await n.restart(['--proxy-mode', mode]);
      const syncStart = performance.now();
      await eventually(async () => rulesHold(n1, mode, [clusterIP, ...lastExtra]) || void await sleep(3000), 900_000, `${mode} rules on ${n1.nodeName} with every Service`);
      const syncedIn = (performance.now() - syncStart) / 1000;
      await eventually(() => connectTimes(client.netns, clusterIP, 3).length === 3, 120_000, `${clusterIP}:${CONNECT_PORT} answers in ${mode} mode`);
      console.log(`${mode}: rules in place ${syncedIn.toFixed(1)} s after the restart (at ${elapsed()})`);
      for (const reverse of [false, true]) {
        let direct = 0;
        let viaService = 0;
        for (let r = 0; r < RUNS; r++) {
          direct = Math.max(direct, iperf(client.netns, server.ip, reverse));
          viaService = Math.max(viaService, iperf(client.netns, clusterIP, reverse));
        }
        const ratio = viaService / direct;
        const target = THROUGHPUT_TARGET[mode] ?? 0.95;
        rows.push({ name: `${mode}: throughput ${reverse ? 'server to client' : 'client to server'}, direct / ClusterIP`,
          value: `${gbit(direct)} / ${gbit(viaService)} = ${pct(ratio)}`, target: `>= ${pct(target)} of direct`, ok: ratio >= target });
      }
      const d = connectTimes(client.netns, server.ip);
      const s = connectTimes(client.netns, clusterIP);
      const upstream = UPSTREAM_P50[mode] ? `; ${UPSTREAM_P50[mode]}` : '';
      rows.push({ name: `${mode}: connect p50 ClusterIP`, value: `${fine(quantile(s, 0.5))} (direct ${fine(quantile(d, 0.5))}${upstream})` });
      rows.push({ name: `${mode}: connect p99 ClusterIP`, value: `${fine(quantile(s, 0.99))} (direct ${fine(quantile(d, 0.99))})` });
      rows.push({ name: `${mode}: every Service in the rules`, value: `${syncedIn.toFixed(1)} s after ${i === 0 ? 'their creation' : 'the restart'}` });
    }
    printTable(`Service data path, ${EXTRA + 2} Services, flannel host-gw, 2 agents (${elapsed()} in all)`, rows);
  } finally {
    for (const ch of children) ch.kill('SIGKILL');
    await c.cleanup();
    const left = c.leftovers();
    if (left.length) console.error(`left behind: ${left.join(', ')}`);
  }
}

await main();
