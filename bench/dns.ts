/**
 * Cluster DNS: queries per second and latency for cluster names, with the
 * server alone in a process pinned to one core (`taskset -c 1`) and dnsperf
 * (Debian's package) on the other, 1,000 ClusterIP Services, a query file of
 * their names (A):
 * - throughput: dnsperf unthrottled (4 clients, 100 outstanding) for
 *   `--duration` seconds: QPS and the average latency dnsperf reports;
 * - latency at the target rate: dnsperf -Q 20000 -v, p50/p99 computed from
 *   its per-query lines.
 * Targets: >= 20,000 QPS per core, p99 < 2 ms. CoreDNS: about 33.7k QPS on
 * 2 vCPUs, ~17k per vCPU. The machine's load average is printed beside the
 * figures: other processes on these cores inflate the tail.
 *
 *   node dist/bench/dns.js [--duration SECONDS] [--services N]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { RESOURCES, RestClient } from '../src/client/index.js';
import { REPO_ROOT } from '../test/harness/clients.js';
import { startServer } from '../test/harness/server.js';
import { CORES, cpuWindow } from './proc.js';
import { ms, perSec, printTable, type ResultRow } from './stats.js';

const QPS_TARGET = 20_000;
const P99_TARGET_MS = 2;

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, services: { type: 'string', default: '1000' } } });
const DURATION = Number(values.duration);
const SERVICES = Number(values.services);

function missing(): string | undefined {
  if (spawnSync('dnsperf', ['-h'], { encoding: 'utf8' }).error) return 'dnsperf not installed (Debian package dnsperf)';
  if (CORES >= 2 && spawnSync('taskset', ['-V']).error) return 'taskset not installed (Debian package util-linux)';
  return undefined;
}

interface Perf { qps: number; lost: string; avgMs: number; latenciesMs: number[] }

function dnsperf(port: number, file: string, args: string[], verbose: boolean): Promise<Perf> {
  const pin = CORES >= 2 ? ['taskset', '-c', '0'] : [];
  const cmd = [...pin, 'dnsperf', '-s', '127.0.0.1', '-p', String(port), '-d', file, '-c', '4', '-q', '100', ...args, ...(verbose ? ['-v'] : [])];
  const child = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  const latenciesMs: number[] = [];
  let text = '';
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('> ')) latenciesMs.push(Number(line.slice(line.lastIndexOf(' ') + 1)) * 1000);
    else text += line + '\n';
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const qps = /Queries per second:\s+([\d.]+)/.exec(text);
      if (code !== 0 || !qps) { reject(new Error(`dnsperf exited ${code}:\n${text}`)); return; }
      resolve({
        qps: Number(qps[1]), lost: /Queries lost:\s+(\d+ \([\d.]+%\))/.exec(text)?.[1] ?? '?',
        avgMs: Number(/Average Latency \(s\):\s+([\d.]+)/.exec(text)?.[1] ?? NaN) * 1000, latenciesMs,
      });
    });
  });
}

function quantile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const why = missing();
  if (why) { console.log(`dns benchmark skipped: ${why}`); return; }
  const server = await startServer({ timeoutMs: 30_000 });
  const tmp = mkdtempSync(join(tmpdir(), 'k8ts-dns-bench-'));
  const client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'dns-bench' });
  let dns: ReturnType<typeof spawn> | undefined;
  try {
    await client.create(RESOURCES.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
    for (let i = 0; i < SERVICES; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, SERVICES - i) }, (_, j) => client.create(RESOURCES.services, {
        apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i + j}`, namespace: 'bench' }, spec: { ports: [{ name: 'http', port: 80 }] },
      })));
    }
    const file = join(tmp, 'queries.txt');
    writeFileSync(file, Array.from({ length: SERVICES }, (_, i) => `svc-${i}.bench.svc.cluster.local A\n`).join(''));
    const pin = CORES >= 2 ? ['taskset', '-c', '1'] : [];
    const cmd = [...pin, process.execPath, join(REPO_ROOT, 'dist', 'bench', 'dns-server-process.js'), '--kubeconfig', server.kubeconfig];
    dns = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: dns!.stdout! }).once('line', (l) => resolve((JSON.parse(l) as { port: number }).port));
      dns!.once('exit', (c) => reject(new Error(`DNS server exited with ${c}`)));
    });
    await dnsperf(port, file, ['-l', '2'], false); // warm-up: JIT and the answer cache
    const cpu = cpuWindow(dns.pid!);
    const load = loadavg()[0]!;
    const top = await dnsperf(port, file, ['-l', String(DURATION)], false);
    const cores = cpu.stop();
    const paced = await dnsperf(port, file, ['-l', String(DURATION), '-Q', String(QPS_TARGET)], true);
    const sorted = paced.latenciesMs.sort((a, b) => a - b);
    const p99 = quantile(sorted, 0.99);
    const rows: ResultRow[] = [
      { name: `throughput, ${SERVICES} services, unthrottled ${DURATION} s`, value: `${perSec(top.qps)} (${cores.toFixed(2)} cores)`, target: `>= ${QPS_TARGET}/s`, ok: top.qps >= QPS_TARGET },
      { name: '  per core the server used (QPS / cores; shared cores)', value: perSec(top.qps / cores), target: `>= ${QPS_TARGET}/s`, ok: top.qps / cores >= QPS_TARGET },
      { name: '  avg latency at that rate (dnsperf), lost', value: `${ms(top.avgMs)}, ${top.lost}` },
      { name: `latency at -Q ${QPS_TARGET}: p50 / p99 / p99.9 of ${sorted.length}`, value: `${ms(quantile(sorted, 0.5))} / ${ms(p99)} / ${ms(quantile(sorted, 0.999))}`, target: `p99 < ${P99_TARGET_MS} ms`, ok: p99 < P99_TARGET_MS },
      { name: '  achieved rate, lost', value: `${perSec(paced.qps)}, ${paced.lost}` },
      { name: 'CoreDNS (published): 33.7k QPS on 2 vCPUs', value: '~17k/s per vCPU' },
      { name: 'machine load average (1 min) at start', value: load.toFixed(2) },
    ];
    printTable(`cluster DNS, server pinned to ${CORES >= 2 ? 'core 1' : 'the only core'}`, rows);
  } finally {
    dns?.kill('SIGTERM');
    client.close();
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
