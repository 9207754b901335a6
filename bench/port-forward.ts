/**
 * Streaming through the API server and the kubelet on a real node (a fresh
 * `k8ts server` and `k8ts agent`, own containerd):
 * - port-forward throughput: a `--size` MiB file (default 256) fetched
 *   over HTTP from busybox httpd in a pod through `kubectl port-forward`
 *   (1.35: the WebSocket tunnel; then forced to SPDY), beside the floor:
 *   the same transfer over a direct TCP connection to the pod IP;
 * - the same fetch hop by hop, with our own SPDY client (so each figure
 *   includes its cost): at the runtime's streaming URL (CRI PortForward on
 *   the node's containerd), at the kubelet's /portForward (TLS, the admin
 *   client certificate), at the API server's pods/portforward; and two
 *   floors without SPDY: an in-process TCP relay and TLS terminator + relay,
 *   and the path's two TLS hops as two relay processes (relay-process.ts);
 * - during each kubectl transfer, the CPU per 100 MiB of the API server, the
 *   kubelet, kubectl and this process (the client);
 * - exec round trip: `kubectl exec POD -- true` wall time (kubectl's own
 *   start included), beside the floor: CRI ExecSync of `true` on the same
 *   containerd (no API server, no kubelet, no kubectl).
 *
 * Target: port-forward throughput >= 50% of the direct one. Upstream
 * publishes no figure. Needs root, the node packages and kubectl 1.35.
 *
 *   node dist/bench/port-forward.js [--size MiB] [--runs N]
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { RESOURCES } from '../src/client/index.js';
import { connectCri } from '../src/kubelet/index.js';
import { findKubectl } from '../test/harness/clients.js';
import { BENCH_IMAGE, NODE_NAME, nodeBenchUnavailable, startBenchNode, type BenchNode } from './node-agent.js';
import { spdyPortForwardRate, startRelay, startRelayChain, type HopTls } from './port-forward-hops.js';
import { procCpuMs } from './proc.js';
import { ms, pct, printTable, type ResultRow } from './stats.js';

const THROUGHPUT_TARGET = 0.5;

const { values } = parseArgs({ options: { size: { type: 'string', default: '256' }, runs: { type: 'string', default: '3' } } });
const SIZE_MIB = Number(values.size);
const RUNS = Number(values.runs);

/** MiB/s of one GET of /big (checks the length). */
function fetchRate(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    get({ host, port, path: '/big', agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => { bytes += c.length; }).on('end', () => {
        if (bytes !== SIZE_MIB * 1024 * 1024) reject(new Error(`got ${bytes} bytes`));
        else resolve(SIZE_MIB / ((performance.now() - started) / 1000));
      }).on('error', reject);
    }).on('error', reject);
  });
}

/** The p-quantile of exact samples (nearest rank). */
function quantile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))] ?? Number.NaN;
}

async function best(runs: number, f: () => Promise<number>): Promise<number> {
  let top = 0;
  for (let i = 0; i < runs; i++) top = Math.max(top, await f());
  return top;
}

async function main(): Promise<void> {
  const why = nodeBenchUnavailable();
  const kubectl = findKubectl(35);
  if (why || !kubectl.path) {
    console.log(`port-forward benchmark skipped: ${why ?? kubectl.reason}`);
    return;
  }
  const node = await startBenchNode();
  try {
    const pod: Pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pf-bench', namespace: 'default' },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'web', image: BENCH_IMAGE, command: ['sh', '-c',
        `mkdir /www && dd if=/dev/urandom of=/www/big bs=1M count=${SIZE_MIB} 2>/dev/null && httpd -p 8080 -h /www && echo ready && exec sleep 100000`] }] },
    };
    await node.client.create(RESOURCES.pods, pod);
    let podIP = '';
    for (const deadline = Date.now() + 180_000; ; await new Promise((r) => setTimeout(r, 250))) {
      const p = await node.client.get<Pod>(RESOURCES.pods, 'pf-bench', { namespace: 'default' });
      const logs = spawnSync(kubectl.path, ['--kubeconfig', node.server.kubeconfig, 'logs', 'pf-bench'], { encoding: 'utf8' }).stdout;
      if (p.status?.podIP && logs.includes('ready')) { podIP = p.status.podIP; break; }
      if (Date.now() > deadline) throw new Error(`pf-bench not ready:\n${node.logs()}`);
    }

    const direct = await best(RUNS, () => fetchRate(podIP, 8080));
    const rates: Array<[string, number]> = [];
    const cpuRows: ResultRow[] = [];
    for (const [label, env] of [['WebSocket tunnel', {}], ['SPDY', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }]] as const) {
      const pf = spawn(kubectl.path, ['--kubeconfig', node.server.kubeconfig, 'port-forward', 'pod/pf-bench', ':8080'], {
        stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
      });
      let out = '';
      pf.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
      try {
        let port = 0;
        for (const deadline = Date.now() + 20_000; !port; await new Promise((r) => setTimeout(r, 50))) {
          port = Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(out)?.[1] ?? 0);
          if (Date.now() > deadline) throw new Error(`port-forward did not start: ${out}`);
        }
        const cpu = cpuMeter({ 'API server': node.server.process.pid!, kubelet: node.agent.pid!, kubectl: pf.pid!, 'client (this process)': process.pid });
        rates.push([label, await best(RUNS, () => fetchRate('127.0.0.1', port))]);
        cpuRows.push({ name: `  CPU ms per 100 MiB, kubectl ${label}`, value: cpu(RUNS * SIZE_MIB) });
      } finally {
        pf.kill('SIGTERM');
      }
    }

    const hops = await hopRates(node, podIP);

    const execMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const r = spawnSync(kubectl.path, ['--kubeconfig', node.server.kubeconfig, 'exec', 'pf-bench', '--', 'true']);
      if (r.status !== 0) throw new Error(`kubectl exec failed: ${r.stderr}`);
      execMs.push(performance.now() - started);
    }
    const versionMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      spawnSync(kubectl.path, ['version', '--client']);
      versionMs.push(performance.now() - started);
    }
    const cri = connectCri(`unix://${node.paths.containerdSocket}`);
    const floorMs: number[] = [];
    try {
      const [c] = (await cri.runtime.listContainers({ labelSelector: { 'io.kubernetes.pod.name': 'pf-bench' } }));
      if (!c) throw new Error('no container of pf-bench');
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        await cri.runtime.execSync(c.id, ['true'], 10);
        floorMs.push(performance.now() - started);
      }
    } finally {
      cri.close();
    }

    const rows: ResultRow[] = [{ name: `direct to the pod IP (floor), ${SIZE_MIB} MiB, best of ${RUNS}`, value: `${direct.toFixed(1)} MiB/s` }];
    for (const [label, rate] of rates) {
      rows.push({ name: `kubectl 1.35 port-forward, ${label}`, value: `${rate.toFixed(1)} MiB/s = ${pct(rate / direct)} of direct`, target: `>= ${pct(THROUGHPUT_TARGET)}`, ok: rate / direct >= THROUGHPUT_TARGET });
    }
    rows.push(...cpuRows);
    for (const [label, rate] of hops) {
      rows.push({ name: label, value: `${rate.toFixed(1)} MiB/s = ${pct(rate / direct)} of direct` });
    }
    rows.push(
      { name: 'kubectl exec POD -- true, p50 / p99 of 20', value: `${ms(quantile(execMs, 0.5))} / ${ms(quantile(execMs, 0.99))}` },
      { name: 'kubectl version --client (kubectl start alone), p50', value: ms(quantile(versionMs, 0.5)) },
      { name: 'CRI ExecSync true (floor), p50 / p99 of 20', value: `${ms(quantile(floorMs, 0.5))} / ${ms(quantile(floorMs, 0.99))}` },
    );
    printTable('streaming through the API server and kubelet', rows);
  } finally {
    await node.stop();
  }
}

/**
 * Starts counting the CPU time of named processes; the returned function
 * prints each one's ms per 100 MiB moved (and their sum beside the wall
 * time, for 2 cores the most they can use).
 */
function cpuMeter(pids: Record<string, number>): (mib: number) => string {
  const start = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, procCpuMs(pid) ?? Number.NaN]));
  const startMain = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, procCpuMs(pid, true) ?? Number.NaN]));
  const wallStart = performance.now();
  return (mib) => {
    const per = (x: number): number => (x * 100) / mib;
    const used = Object.entries(pids).map(([k, pid]) => [k, (procCpuMs(pid) ?? Number.NaN) - start[k]!, (procCpuMs(pid, true) ?? Number.NaN) - startMain[k]!] as const);
    const sum = used.reduce((a, [, v]) => a + v, 0);
    return `${used.map(([k, v, main]) => `${k} ${per(v).toFixed(0)} (main thread ${per(main).toFixed(0)})`).join(', ')}; sum ${per(sum).toFixed(0)}, wall ${per(performance.now() - wallStart).toFixed(0)}`;
  };
}

/** The per-hop rows: our SPDY client at each hop, and the relay floors. */
async function hopRates(node: BenchNode, podIP: string): Promise<Array<[string, number]>> {
  const tlsDir = join(node.server.dataDir, 'tls');
  const pem = (f: string): string => readFileSync(join(tlsDir, f), 'utf8');
  const ca = pem('server-ca.crt');
  const admin: HopTls = { ca, cert: pem('client-admin.crt'), key: pem('client-admin.key'), rejectUnauthorized: true };
  const out: Array<[string, number]> = [];

  const cri = connectCri(`unix://${node.paths.containerdSocket}`);
  try {
    const [sandbox] = await cri.runtime.listPodSandbox({ state: { state: 'SANDBOX_READY' }, labelSelector: { 'io.kubernetes.pod.name': 'pf-bench' } });
    if (!sandbox) throw new Error('no sandbox of pf-bench');
    // A streaming URL is single-use: one per run.
    out.push(['our SPDY client -> containerd streaming server (CRI PortForward URL)',
      await best(RUNS, async () => spdyPortForwardRate(new URL(await cri.runtime.portForward(sandbox.id, [8080])), undefined, 8080, SIZE_MIB))]);
  } finally {
    cri.close();
  }

  const n = await node.client.get<Node>(RESOURCES.nodes, NODE_NAME);
  const host = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '127.0.0.1';
  const kubeletPort = n.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!kubeletPort) throw new Error(`node ${NODE_NAME} publishes no kubelet port`);
  const kubeletUrl = new URL(`https://${host}:${kubeletPort}/portForward/default/pf-bench?port=8080`);
  out.push(['our SPDY client -> kubelet /portForward (TLS) -> pod',
    await best(RUNS, () => spdyPortForwardRate(kubeletUrl, { ...admin, servername: NODE_NAME }, 8080, SIZE_MIB))]);

  const apiUrl = new URL(`https://127.0.0.1:${node.server.port}/api/v1/namespaces/default/pods/pf-bench/portforward?ports=8080`);
  out.push(['our SPDY client -> API server pods/portforward (TLS) -> kubelet -> pod',
    await best(RUNS, () => spdyPortForwardRate(apiUrl, admin, 8080, SIZE_MIB))]);

  const target = { host: podIP, port: 8080 };
  for (const [label, tls] of [
    ['floor: in-process TCP relay (pipe) -> pod, no SPDY', undefined],
    ['floor: in-process TLS terminator + relay -> pod, no SPDY', { server: { cert: pem('serving.crt'), key: pem('serving.key') }, client: { ca, servername: 'localhost' } }],
  ] as const) {
    const relay = await startRelay(target, tls);
    try {
      out.push([label, await best(RUNS, () => relay.rate(SIZE_MIB))]);
    } finally {
      await relay.close();
    }
  }
  // The shape of kubectl -> API server -> kubelet -> pod with nothing but TLS and a byte relay per hop, each hop its own process.
  const chain = await startRelayChain(target, 2, { serve: { cert: pem('serving.crt'), key: pem('serving.key') }, ca, servername: 'localhost' });
  try {
    out.push(['floor: TLS relay process -> TLS relay process -> pod (the two hops, no SPDY)', await best(RUNS, () => chain.rate(SIZE_MIB))]);
  } finally {
    chain.close();
  }
  return out;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
