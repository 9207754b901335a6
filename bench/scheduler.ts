/**
 * Scheduler throughput in the shape of upstream's scheduler_perf
 * SchedulingBasic (5000Nodes_10000Pods): N simulated nodes (4 cpu, 32Gi,
 * 110 pods, as upstream's node-default.yaml), then M pods (100m cpu / 500Mi,
 * as pod-default.yaml) created as fast as the API takes them by C
 * concurrent clients. Prints pods/s from the first create to the last
 * bind (a watch sees spec.nodeName), p50/p99 create->bound latency, and the
 * RSS of the server, the scheduler and the simulator, each its own process.
 * Target: >= 1000 pods/s on this machine (upstream publishes 500 on 36 threads,
 * CI floor 270).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Agent } from 'node:https';
import { request } from 'node:https';
import { REPO_ROOT } from '../test/harness/clients.js';
import { startBenchServer, newAgent, send, BENCH_NAMESPACE, type Target } from './k8ts-target.js';
import { measureHttpsFloor } from './https-floor.js';
import { procRssKib, cpuWindow, selfCpuWindow, machineCpuWindow, describeOthers, CORES } from './proc.js';
import { Histogram, ms, mib, perSec, type ResultRow } from './stats.js';

export interface SchedulerBenchOptions {
  /** @default 5000 */
  nodes?: number;
  /** @default 10000 */
  pods?: number;
  /** Concurrent creating clients. @default 64 */
  clients?: number;
  /** Environment for every process (CPU profiling preload). */
  env?: Record<string, string>;
}

const TARGET_PODS_PER_S = 1000;
/**
 * Lease renewals of the simulated nodes: upstream's benchmark nodes have no
 * heartbeats at all, and no node lifecycle controller runs here, so 5000
 * renewals every 10 s (500 writes/s) would only load the API server.
 */
const HEARTBEAT = '60s';
const NODES_READY_TIMEOUT_MS = 300_000;
const BIND_TIMEOUT_MS = 600_000;

const podBody = (name: string): string => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: BENCH_NAMESPACE },
  spec: {
    containers: [{
      name: 'pause', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 80 }],
      resources: { limits: { cpu: '100m', memory: '500Mi' }, requests: { cpu: '100m', memory: '500Mi' } },
    }],
  },
});

/** Spawns `k8ts <args>` and resolves once a log line contains `readyText`. */
function spawnK8ts(args: string[], readyText: string, env: Record<string, string>, timeoutMs: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'k8ts.js'), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env },
  });
  let tail = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`k8ts ${args[0]} not ready in ${timeoutMs} ms:\n${tail}`)), timeoutMs);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      tail = (tail + d).slice(-4000);
      if (tail.includes(readyText)) { clearTimeout(timer); resolve(child); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`k8ts ${args[0]} exited with ${code}:\n${tail}`)); });
  });
}

async function stopChild(c: ChildProcess | undefined): Promise<void> {
  if (!c || c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise((r) => c.once('exit', r));
  c.kill('SIGTERM');
  const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

/** Polls until `n` nodes are Ready; returns the time it took. */
async function waitNodesReady(target: Target, agent: Agent, n: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const r = await send(target, agent, 'GET', '/api/v1/nodes');
    if (r.status === 200) {
      const items = (JSON.parse(r.body) as { items: { status?: { conditions?: { type: string; status: string }[] } }[] }).items;
      const ready = items.filter((i) => i.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      if (ready >= n) return performance.now() - t0;
    }
    if (performance.now() - t0 > NODES_READY_TIMEOUT_MS) throw new Error(`nodes not Ready within ${NODES_READY_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Watches pods of the bench namespace; calls onBound(name, ms) the first time each has a nodeName. */
function watchBindings(target: Target, agent: Agent, rv: string, onBound: (name: string, at: number) => void): { stop(): void } {
  let buf = '';
  const req = request({
    host: target.host, port: target.port, agent, method: 'GET',
    path: `/api/v1/namespaces/${BENCH_NAMESPACE}/pods?watch=1&resourceVersion=${rv}&allowWatchBookmarks=false`,
  }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      const at = performance.now();
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.includes('"nodeName"')) continue;
        const ev = JSON.parse(line) as { object: { metadata: { name: string }; spec?: { nodeName?: string } } };
        if (ev.object.spec?.nodeName) onBound(ev.object.metadata.name, at);
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return { stop: () => req.destroy() };
}

export async function runSchedulerBench(o: SchedulerBenchOptions = {}): Promise<ResultRow[]> {
  const nodes = o.nodes ?? 5000;
  const pods = o.pods ?? 10000;
  const clients = o.clients ?? 64;
  const env = o.env ?? {};
  console.log(`\n# Scheduler (SchedulingBasic shape): ${nodes} simulated nodes, ${pods} pods created by ${clients} concurrent clients; server, scheduler and simulator are separate processes; node heartbeats every ${HEARTBEAT}`);
  const bench = await startBenchServer({ datastore: 'sqlite', env, args: ['--controllers=', '--disable-scheduler'], timeoutMs: 60_000 });
  const kubeconfig = bench.server.kubeconfig;
  const stagesDir = join(bench.server.dataDir, 'bench');
  mkdirSync(stagesDir, { recursive: true });
  // Only deletions are confirmed: bound pods stay Pending, so the simulator adds no pod writes to the
  // measurement (upstream's SchedulingBasic has no kubelets).
  const stagesFile = join(stagesDir, 'delete-only-stages.json');
  writeFileSync(stagesFile, `${JSON.stringify([{ name: 'pod-delete', selector: { matchExpressions: [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }] }, next: { delete: true } }])}\n`);
  let sim: ChildProcess | undefined;
  let scheduler: ChildProcess | undefined;
  const agent = newAgent(bench.target, { maxSockets: clients + 4 });
  try {
    const regStart = performance.now();
    sim = await spawnK8ts(['sim', '--kubeconfig', kubeconfig, '--nodes', String(nodes), '--stages', stagesFile, '--capacity', 'cpu=4,memory=32Gi,pods=110', '--heartbeat-interval', HEARTBEAT], 'registered', env, NODES_READY_TIMEOUT_MS);
    await waitNodesReady(bench.target, agent, nodes);
    console.log(`${nodes} nodes registered and Ready in ${ms(performance.now() - regStart)}`);
    scheduler = await spawnK8ts(['scheduler', '--kubeconfig', kubeconfig, '--leader-elect', 'false'], 'scheduler running', env, 60_000);

    const list = await send(bench.target, agent, 'GET', `/api/v1/namespaces/${BENCH_NAMESPACE}/pods?limit=1`);
    const rv = (JSON.parse(list.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const createdAt = new Map<string, number>();
    const hist = new Histogram();
    let bound = 0;
    let lastBound = 0;
    let allBound!: () => void;
    const done = new Promise<void>((r) => { allBound = r; });
    const watch = watchBindings(bench.target, newAgent(bench.target, { maxSockets: 1 }), rv, (name, at) => {
      const t = createdAt.get(name);
      if (t === undefined) return;
      createdAt.delete(name);
      hist.record(at - t);
      bound++;
      lastBound = at;
      if (bound === pods) allBound();
    });
    const cpu = {
      server: cpuWindow(bench.server.process.pid!),
      serverMain: cpuWindow(bench.server.process.pid!, true),
      scheduler: cpuWindow(scheduler.pid!),
      sim: cpuWindow(sim.pid!),
      bench: selfCpuWindow(),
      machine: machineCpuWindow(),
    };
    const peak = { server: 0, scheduler: 0, sim: 0 };
    const sampler = setInterval(() => {
      peak.server = Math.max(peak.server, procRssKib(bench.server.process.pid!) ?? 0);
      peak.scheduler = Math.max(peak.scheduler, procRssKib(scheduler!.pid!) ?? 0);
      peak.sim = Math.max(peak.sim, procRssKib(sim!.pid!) ?? 0);
    }, 250);
    const first = performance.now();
    let next = 0;
    let errors = 0;
    let createdAll = 0;
    const sizes = { request: 0, response: 0 };
    await Promise.all(Array.from({ length: clients }, async () => {
      while (next < pods) {
        const name = `pod-${next++}`;
        createdAt.set(name, performance.now());
        const body = podBody(name);
        const r = await send(bench.target, agent, 'POST', `/api/v1/namespaces/${BENCH_NAMESPACE}/pods`, body);
        if (r.status !== 201) { errors++; createdAt.delete(name); } else { sizes.request += body.length; sizes.response += r.body.length; }
      }
    }));
    createdAll = performance.now();
    const expected = pods - errors;
    if (bound < expected) {
      await Promise.race([done, new Promise((r) => setTimeout(r, BIND_TIMEOUT_MS))]);
    }
    clearInterval(sampler);
    watch.stop();
    const used = Object.fromEntries(Object.entries(cpu).map(([k, w]) => [k, w.stop()])) as Record<keyof typeof cpu, number>;
    const window = (performance.now() - first) / 1000;
    const elapsed = (lastBound - first) / 1000;
    const rate = bound / elapsed;
    console.log(`created ${expected} pods in ${ms(createdAll - first)} (${perSec(expected / ((createdAll - first) / 1000))}, ${errors} errors); bound ${bound} in ${(elapsed).toFixed(2)} s`);
    console.log(`throughput ${perSec(rate)} first create -> last bind (target >= ${TARGET_PODS_PER_S}/s: ${rate >= TARGET_PODS_PER_S ? 'ok' : 'MISS'}; upstream: 500/s on 36 threads, CI floor 270/s)`);
    console.log(`create->bound latency p50 ${ms(hist.percentile(0.5))}  p99 ${ms(hist.percentile(0.99))}  max ${ms(hist.max)}`);
    // CPU per bound pod over the whole window: what each process spends on one pod.
    const perPodMs = (cores: number): number => (cores * window * 1000) / Math.max(1, bound);
    const perPod = (cores: number): string => `${perPodMs(cores).toFixed(2)} ms`;
    const budgetMs = (CORES * 1000) / TARGET_PODS_PER_S;
    const pct = (cores: number): string => `${(cores * 100).toFixed(0)}%`;
    const ours = used.server + used.scheduler + used.sim + used.bench;
    console.log(`CPU (of one core; this machine has ${CORES}): server ${pct(used.server)} (main thread ${pct(used.serverMain)}), scheduler ${pct(used.scheduler)}, simulator ${pct(used.sim)}, bench clients ${pct(used.bench)}; total ${pct(ours)}, ${describeOthers(used.machine, ours)}`);
    console.log(`CPU per bound pod: server ${perPod(used.server)} (main thread ${perPod(used.serverMain)}), scheduler ${perPod(used.scheduler)}, simulator ${perPod(used.sim)}, bench clients ${perPod(used.bench)}; total ${perPod(ours)} (${TARGET_PODS_PER_S}/s on ${CORES} cores allows ${budgetMs.toFixed(2)} ms)`);
    console.log(`peak RSS: server ${mib(peak.server)}, scheduler ${mib(peak.scheduler)}, simulator ${mib(peak.sim)}`);
    // The transport's own floor, with every k8ts process idle: each pod costs three HTTPS writes
    // (create, binding, Scheduled event) before any watch event is sent.
    const reqBytes = Math.round(sizes.request / Math.max(1, expected));
    const resBytes = Math.round(sizes.response / Math.max(1, expected));
    const floor = await measureHttpsFloor({ dataDir: bench.server.dataDir, concurrency: clients, requests: 20_000, requestBytes: reqBytes, responseBytes: resBytes });
    const floorMs = (3 * (floor.serverUs + floor.clientUs)) / 1000;
    const floor2 = await measureHttpsFloor({ dataDir: bench.server.dataDir, concurrency: clients, requests: 20_000, requestBytes: reqBytes, responseBytes: resBytes, http2: true });
    const floor2Ms = (3 * (floor2.serverUs + floor2.clientUs)) / 1000;
    console.log(`bare HTTPS (Node https, no API server; ${reqBytes}-byte bodies, ${resBytes}-byte answers, ${clients} clients): ${perSec(floor.perSecond)}, CPU per request server ${floor.serverUs.toFixed(0)} us + client ${floor.clientUs.toFixed(0)} us; 3 per pod = ${floorMs.toFixed(2)} ms of the ${budgetMs.toFixed(2)} ms per pod that ${TARGET_PODS_PER_S}/s allows`);
    console.log(`bare HTTP/2 (the same, as streams of one connection; k8ts serves HTTP/1.1 only): ${perSec(floor2.perSecond)}, CPU per request server ${floor2.serverUs.toFixed(0)} us + client ${floor2.clientUs.toFixed(0)} us; 3 per pod = ${floor2Ms.toFixed(2)} ms`);
    return [
      { name: `scheduler ${nodes} nodes / ${pods} pods`, value: `${perSec(rate)}`, target: `>= ${TARGET_PODS_PER_S}/s`, ok: rate >= TARGET_PODS_PER_S },
      { name: 'scheduler create->bound p50', value: ms(hist.percentile(0.5)) },
      { name: 'scheduler create->bound p99', value: ms(hist.percentile(0.99)) },
      { name: 'scheduler CPU per pod (all processes)', value: perPod(ours), target: `<= ${budgetMs.toFixed(2)} ms`, ok: perPodMs(ours) <= budgetMs },
      { name: 'bare HTTPS floor per pod (3 requests)', value: `${floorMs.toFixed(2)} ms` },
      { name: 'bare HTTP/2 floor per pod (3 requests)', value: `${floor2Ms.toFixed(2)} ms` },
      { name: 'scheduler peak RSS (server / scheduler / sim)', value: `${mib(peak.server)} / ${mib(peak.scheduler)} / ${mib(peak.sim)}` },
    ];
  } finally {
    agent.destroy();
    await stopChild(scheduler);
    await stopChild(sim);
    await bench.stop();
  }
}
