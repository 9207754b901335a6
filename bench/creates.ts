/**
 * ConfigMap creates, closed loop, at 1, 10 and 100 concurrent clients:
 * k8ts over HTTPS (sqlite, then the memory backend as an extra line), and the
 * same workload written straight to etcd through the etcd3 client as a
 * put-if-absent txn (what an API server's create does), then k8ts/etcd.
 *
 * Each k8ts client has its own keep-alive connection. The etcd clients share
 * `ETCD_CONNECTIONS` gRPC connections (kube-apiserver multiplexes all its
 * requests over one; a few spread the client's HTTP/2 framing work).
 */
import { Etcd3 } from 'etcd3';
import { runClosedLoop, type ClosedLoopResult } from './closed-loop.js';
import { startBenchServer, newAgent, send, BENCH_NAMESPACE, type Target } from './k8ts-target.js';
import { findEtcd, startEtcd, etcdVersion, ETCD_INSTALL_HINT } from './etcd-target.js';
import { configMapBody, storedConfigMap, uniquePrefix } from './payload.js';
import { cpuWindow, selfCpuWindow, machineCpuWindow, describeCpu, describeOthers } from './proc.js';
import { ms, perSec, type ResultRow } from './stats.js';

export interface CreatesOptions {
  durationS: number;
  /** Extra environment for the server process (e.g. NODE_OPTIONS=--cpu-prof). @default {} */
  serverEnv?: Record<string, string>;
  /** @default [1, 10, 100] */
  levels?: number[];
}

const ETCD_CONNECTIONS = 4;
const RATIO_TARGET = 0.5;
const RATIO_TARGET_LEVEL = 100;

interface Point { rate: number; p50: number; p99: number; errors: number; firstError?: string; serverCpu: number; clientCpu: number; machineCpu: number }

function toPoint(r: ClosedLoopResult, serverCpu: number, clientCpu: number, machineCpu: number): Point {
  return { rate: r.rate, p50: r.hist.percentile(0.5), p99: r.hist.percentile(0.99), errors: r.errors, ...(r.firstError ? { firstError: r.firstError } : {}), serverCpu, clientCpu, machineCpu };
}

function describe(label: string, clients: number, p: Point): string {
  return `${label.padEnd(12)} clients ${String(clients).padStart(3)}: ${Math.round(p.rate).toString().padStart(6)} creates/s  p50 ${ms(p.p50).padStart(8)}  p99 ${ms(p.p99).padStart(8)}`
    + `  errors ${p.errors}  server CPU ${(p.serverCpu * 100).toFixed(0)}%  ${describeCpu('client', p.clientCpu)}  ${describeOthers(p.machineCpu, p.serverCpu + p.clientCpu)}`
    + (p.firstError ? `  first error: ${p.firstError.slice(0, 200)}` : '');
}

async function k8tsPoint(target: Target, pid: number, clients: number, durationMs: number): Promise<Point> {
  const agents = Array.from({ length: clients }, () => newAgent(target, { maxSockets: 1 }));
  const prefix = uniquePrefix(`c${clients}`);
  const path = `/api/v1/namespaces/${BENCH_NAMESPACE}/configmaps`;
  const server = cpuWindow(pid);
  const self = selfCpuWindow();
  const machine = machineCpuWindow();
  try {
    const r = await runClosedLoop({
      clients, durationMs,
      op: async (c, seq) => {
        const res = await send(target, agents[c], 'POST', path, configMapBody(`${prefix}-${c}-${seq}`));
        if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
        return true;
      },
    });
    return toPoint(r, server.stop(), self.stop(), machine.stop());
  } finally {
    for (const a of agents) a.destroy();
  }
}

async function k8tsSeries(datastore: 'sqlite' | 'memory', levels: number[], durationMs: number, env: Record<string, string>): Promise<Map<number, Point>> {
  const out = new Map<number, Point>();
  const bench = await startBenchServer({ datastore, env });
  try {
    for (const clients of levels) {
      const p = await k8tsPoint(bench.target, bench.server.process.pid!, clients, durationMs);
      console.log(describe(`k8ts ${datastore}`, clients, p));
      out.set(clients, p);
    }
  } finally {
    await bench.stop();
  }
  return out;
}

async function etcdSeries(bin: string, levels: number[], durationMs: number): Promise<Map<number, Point>> {
  const out = new Map<number, Point>();
  const etcd = await startEtcd(bin);
  const conns = Array.from({ length: ETCD_CONNECTIONS }, () => new Etcd3({
    hosts: etcd.endpoint,
    // A channel of its own per client object, instead of grpc-js's process-wide subchannel pool.
    grpcOptions: { 'grpc.use_local_subchannel_pool': 1 },
  }));
  try {
    for (const clients of levels) {
      const prefix = uniquePrefix(`c${clients}`);
      const server = cpuWindow(etcd.pid);
      const self = selfCpuWindow();
      const machine = machineCpuWindow();
      const r = await runClosedLoop({
        clients, durationMs,
        op: async (c, seq) => {
          const name = `${prefix}-${c}-${seq}`;
          const key = `/registry/configmaps/${BENCH_NAMESPACE}/${name}`;
          const client = conns[c % conns.length];
          const res = await client.if(key, 'Create', '==', 0).then(client.put(key).value(storedConfigMap(name))).commit();
          if (!res.succeeded) throw new Error(`txn did not succeed for ${key}`);
          return true;
        },
      });
      const p = toPoint(r, server.stop(), self.stop(), machine.stop());
      console.log(describe('etcd', clients, p));
      out.set(clients, p);
    }
  } finally {
    for (const c of conns) c.close();
    await etcd.stop();
  }
  return out;
}

function rows(label: string, points: Map<number, Point>): ResultRow[] {
  return [...points].map(([clients, p]) => ({
    name: `creates ${label} x${clients}`,
    value: `${perSec(p.rate)}  p50 ${ms(p.p50)}  p99 ${ms(p.p99)}${p.errors ? `  (${p.errors} errors)` : ''}`,
  }));
}

/** Runs the whole comparison, printing as it goes; returns the summary rows. */
export async function runCreates(o: CreatesOptions): Promise<ResultRow[]> {
  const levels = o.levels ?? [1, 10, 100];
  const durationMs = o.durationS * 1000;
  console.log(`\n# ConfigMap creates, closed loop, ${o.durationS}s per point (+1s warm-up)`);
  const sqlite = await k8tsSeries('sqlite', levels, durationMs, o.serverEnv ?? {});
  const memory = await k8tsSeries('memory', levels, durationMs, o.serverEnv ?? {});
  const out = [...rows('k8ts sqlite', sqlite), ...rows('k8ts memory', memory)];

  const bin = findEtcd();
  if (!bin) {
    console.log(`etcd side skipped: no \`etcd\` on PATH; ${ETCD_INSTALL_HINT}`);
    out.push({ name: 'creates etcd', value: 'skipped (no etcd on PATH)' });
    out.push({ name: `ratio k8ts/etcd x${RATIO_TARGET_LEVEL}`, value: 'n/a', target: `>= ${RATIO_TARGET}` });
    return out;
  }
  console.log(`etcd: ${etcdVersion(bin)} (${bin}), put-if-absent txn via etcd3 over ${ETCD_CONNECTIONS} gRPC connections`);
  let etcd: Map<number, Point>;
  try {
    etcd = await etcdSeries(bin, levels, durationMs);
  } catch (e) {
    console.log(`etcd side failed: ${e instanceof Error ? e.message : String(e)}`);
    out.push({ name: 'creates etcd', value: 'failed (see above)' });
    return out;
  }
  out.push(...rows('etcd', etcd));
  for (const clients of levels) {
    const k = sqlite.get(clients);
    const e = etcd.get(clients);
    if (!k || !e || e.rate === 0) continue;
    const ratio = k.rate / e.rate;
    const line = `ratio k8ts sqlite/etcd clients ${String(clients).padStart(3)}: ${ratio.toFixed(2)}`;
    const targeted = clients === RATIO_TARGET_LEVEL;
    console.log(targeted ? `${line}  (target >= ${RATIO_TARGET}: ${ratio >= RATIO_TARGET ? 'ok' : 'MISS'})` : line);
    out.push({
      name: `ratio k8ts/etcd x${clients}`, value: ratio.toFixed(2),
      ...(targeted ? { target: `>= ${RATIO_TARGET}`, ok: ratio >= RATIO_TARGET } : {}),
    });
  }
  return out;
}
