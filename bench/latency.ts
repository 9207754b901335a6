/**
 * Open-loop ConfigMap creates at a fixed rate (default 1000/s) against a
 * fresh sqlite-backed `k8ts server`: achieved rate and latency percentiles
 * measured from each request's scheduled send time. Target: p99 < 20 ms.
 */
import { runOpenLoop } from './open-loop.js';
import { startBenchServer, newAgent, send, BENCH_NAMESPACE } from './k8ts-target.js';
import { configMapBody, uniquePrefix } from './payload.js';
import { cpuWindow, selfCpuWindow, machineCpuWindow, describeCpu, describeOthers } from './proc.js';
import { ms, perSec, type ResultRow } from './stats.js';

export interface LatencyOptions {
  durationS: number;
  /** Extra environment for the server process (e.g. NODE_OPTIONS=--cpu-prof). @default {} */
  serverEnv?: Record<string, string>;
  /** @default 1000 */
  rate?: number;
  /** Keep-alive connections the requests spread over. @default 64 */
  connections?: number;
}

const P99_TARGET_MS = 20;

/** Time at the full rate before the measured window (V8 optimizes the create path meanwhile). */
const WARMUP_MS = 5000;
/** Quiet time after the server is ready, before the measurement. */
const SETTLE_MS = Number(process.env.K8TS_BENCH_SETTLE_MS ?? 5000);

export async function runLatency(o: LatencyOptions): Promise<ResultRow[]> {
  const rate = o.rate ?? 1000;
  const connections = o.connections ?? 64;
  console.log(`\n# ConfigMap creates, open loop at ${rate}/s for ${o.durationS}s (+${WARMUP_MS / 1000}s warm-up at the same rate, not counted: the server's JIT settles), up to ${connections} keep-alive connections`);
  const bench = await startBenchServer({ datastore: (process.env.K8TS_BENCH_DATASTORE as 'sqlite' | 'memory' | undefined) ?? 'sqlite', env: o.serverEnv ?? {}, ...(process.env.K8TS_BENCH_SERVER_ARGS ? { args: process.env.K8TS_BENCH_SERVER_ARGS.split(' ') } : {}) });
  const agent = newAgent(bench.target, { maxSockets: connections });
  const prefix = uniquePrefix('lat');
  const path = `/api/v1/namespaces/${BENCH_NAMESPACE}/configmaps`;
  try {
    // Steady state: the controllers and scheduler list and start watching in their first seconds.
    await new Promise((res) => setTimeout(res, SETTLE_MS));
    const server = cpuWindow(bench.server.process.pid!);
    const self = selfCpuWindow();
    const machine = machineCpuWindow();
    const r = await runOpenLoop({
      rate, durationMs: o.durationS * 1000, warmupMs: WARMUP_MS,
      op: async (seq) => {
        const res = await send(bench.target, agent, 'POST', path, configMapBody(`${prefix}-${seq}`));
        if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
        return true;
      },
    });
    const serverCpu = server.stop();
    const clientCpu = self.stop();
    const machineCpu = machine.stop();
    const [p50, p99, p999] = [0.5, 0.99, 0.999].map((p) => r.hist.percentile(p));
    const ok = p99 < P99_TARGET_MS && r.errors === 0 && r.unanswered === 0;
    console.log(`achieved ${Math.round(r.achievedRate)} creates/s of ${rate} scheduled (${r.scheduled} due, ${r.errors} errors, ${r.unanswered} unanswered)`
      + `  p50 ${ms(p50)}  p99 ${ms(p99)}  p99.9 ${ms(p999)}  max ${ms(r.hist.max)}  (target p99 < ${P99_TARGET_MS} ms: ${ok ? 'ok' : 'MISS'})`);
    console.log(`peak outstanding ${r.peakOutstanding}, worst send lag ${ms(r.maxSendLagMs)}, server CPU ${(serverCpu * 100).toFixed(0)}%, ${describeCpu('client', clientCpu)}, ${describeOthers(machineCpu, serverCpu + clientCpu)}`
      + (r.firstError ? `, first error: ${r.firstError.slice(0, 200)}` : ''));
    return [
      { name: `open-loop creates @${rate}/s achieved`, value: perSec(r.achievedRate) },
      { name: `open-loop creates @${rate}/s p50`, value: ms(p50) },
      { name: `open-loop creates @${rate}/s p99`, value: ms(p99), target: `< ${P99_TARGET_MS} ms`, ok },
      { name: `open-loop creates @${rate}/s p99.9`, value: ms(p999) },
    ];
  } finally {
    agent.destroy();
    await bench.stop();
  }
}
