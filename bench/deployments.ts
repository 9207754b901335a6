/**
 * Control-plane throughput: D Deployments of R replicas (default 100 x 100)
 * created at once on N simulated nodes (default 1000). Prints the seconds
 * until every Deployment is Available with all replicas, the server's peak
 * RSS (API server, controller manager and scheduler share its process) and
 * the API requests per second it served meanwhile (apiserver_request_total).
 * The simulator is a process of its own, so its memory is not the server's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../test/harness/clients.js';
import { startBenchServer, newAgent, send, BENCH_NAMESPACE } from './k8ts-target.js';
import { procRssKib, cpuWindow } from './proc.js';
import { mib, perSec, type ResultRow } from './stats.js';

export interface DeploymentsBenchOptions {
  /** @default 100 */
  deployments?: number;
  /** @default 100 */
  replicas?: number;
  /** @default 1000 */
  nodes?: number;
  env?: Record<string, string>;
}

const TIMEOUT_MS = 900_000;

function spawnSim(kubeconfig: string, nodes: number, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'k8ts.js'), 'sim', '--kubeconfig', kubeconfig, '--nodes', String(nodes)], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env },
  });
  let tail = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`k8ts sim not ready:\n${tail}`)), TIMEOUT_MS);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      tail = (tail + d).slice(-4000);
      if (tail.includes('registered')) { clearTimeout(timer); resolve(child); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`k8ts sim exited with ${code}:\n${tail}`)); });
  });
}

/** Sum of apiserver_request_total over every label set. */
function requestTotal(metrics: string): number {
  let n = 0;
  for (const line of metrics.split('\n')) {
    if (line.startsWith('apiserver_request_total{')) n += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return n;
}

export async function runDeploymentsBench(o: DeploymentsBenchOptions = {}): Promise<ResultRow[]> {
  const deployments = o.deployments ?? 100;
  const replicas = o.replicas ?? 100;
  const nodes = o.nodes ?? 1000;
  const env = o.env ?? {};
  console.log(`\n# Deployments: ${deployments} x ${replicas} replicas created at once on ${nodes} simulated nodes (simulator in its own process)`);
  const bench = await startBenchServer({ datastore: 'sqlite', env, timeoutMs: 60_000 });
  const agent = newAgent(bench.target, { maxSockets: 32 });
  let sim: ChildProcess | undefined;
  try {
    sim = await spawnSim(bench.server.kubeconfig, nodes, env);
    const pid = bench.server.process.pid!;
    let peak = 0;
    const sampler = setInterval(() => { peak = Math.max(peak, procRssKib(pid) ?? 0); }, 250);
    const metrics0 = requestTotal((await send(bench.target, agent, 'GET', '/metrics')).body);
    const cpu = cpuWindow(pid);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: deployments }, async (_, i) => {
      const body = JSON.stringify({
        apiVersion: 'apps/v1', kind: 'Deployment',
        metadata: { name: `d${i}`, namespace: BENCH_NAMESPACE },
        spec: {
          replicas, selector: { matchLabels: { app: `d${i}` } },
          template: { metadata: { labels: { app: `d${i}` } }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
        },
      });
      const r = await send(bench.target, agent, 'POST', `/apis/apps/v1/namespaces/${BENCH_NAMESPACE}/deployments`, body);
      if (r.status !== 201) throw new Error(`create deployment d${i}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
    }));
    let available = 0;
    for (;;) {
      const r = await send(bench.target, agent, 'GET', `/apis/apps/v1/namespaces/${BENCH_NAMESPACE}/deployments`);
      const items = (JSON.parse(r.body) as { items: { status?: { availableReplicas?: number; conditions?: { type: string; status: string }[] } }[] }).items;
      available = items.filter((d) => d.status?.availableReplicas === replicas && d.status.conditions?.some((c) => c.type === 'Available' && c.status === 'True')).length;
      if (available === deployments || performance.now() - t0 > TIMEOUT_MS) break;
      await new Promise((res) => setTimeout(res, 500));
    }
    const seconds = (performance.now() - t0) / 1000;
    const serverCpu = cpu.stop();
    clearInterval(sampler);
    const requests = requestTotal((await send(bench.target, agent, 'GET', '/metrics')).body) - metrics0;
    console.log(`${available}/${deployments} Deployments Available in ${seconds.toFixed(1)} s; ${Math.round(requests)} API requests (${perSec(requests / seconds)}); server CPU ${(serverCpu * 100).toFixed(0)}%; peak server RSS ${mib(peak)}`);
    return [
      { name: `deployments ${deployments}x${replicas} on ${nodes} nodes: all Available`, value: available === deployments ? `${seconds.toFixed(1)} s` : `only ${available} after ${seconds.toFixed(0)} s` },
      { name: 'deployments peak server RSS', value: mib(peak) },
      { name: 'deployments API requests/s', value: perSec(requests / seconds) },
    ];
  } finally {
    agent.destroy();
    if (sim && sim.exitCode === null) {
      const exited = new Promise((r) => sim!.once('exit', r));
      sim.kill('SIGTERM');
      await exited;
    }
    await bench.stop();
  }
}
