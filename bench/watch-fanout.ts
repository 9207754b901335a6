/**
 * Watch fan-out: N watchers (default 1000, each its own HTTPS connection, in
 * a child process) on ConfigMaps of the `bench` namespace from the
 * resourceVersion after setup; this process writes ConfigMaps open loop at
 * a fixed rate (default 1000/s), each stamped with its send time. Prints
 * delivery latency (send → arrival at a watcher) p50/p99 against the target
 * p99 < 100 ms, deliveries missing, watchers the server closed, and the CPU
 * of server, writer and watchers, flagging a saturated client. Then the
 * transport alone (tls-ceiling.ts) at the same event size and rate: the
 * floor this machine puts under the figure.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runOpenLoop } from './open-loop.js';
import { measureTlsCeiling, type TlsCeiling } from './tls-ceiling.js';
import type { Agent } from 'node:https';
import { startBenchServer, newAgent, send, BENCH_NAMESPACE, type Target } from './k8ts-target.js';
import { configMapBody, uniquePrefix } from './payload.js';
import { cpuWindow, selfCpuWindow, machineCpuWindow, describeCpu, describeOthers, CORES } from './proc.js';
import { Histogram, ms, type ResultRow } from './stats.js';
import { SENT_AT_ANNOTATION, epochMs, type FromWatchers, type ToWatchers, type WatchersConfig, type WatchersResult } from './watch-protocol.js';

export interface WatchFanoutOptions {
  durationS: number;
  /** Extra environment for the server process (e.g. NODE_OPTIONS=--cpu-prof). @default {} */
  serverEnv?: Record<string, string>;
  /** @default 1000 */
  watchers?: number;
  /** Events (creates) per second. @default 1000 */
  rate?: number;
}

const P99_TARGET_MS = 100;
const OPEN_TIMEOUT_MS = 60_000;
const DRAIN_TIMEOUT_MS = 30_000;
/** How long the writer waits for its last creates before abandoning them. */
const WRITER_GRACE_MS = 10_000;

/**
 * ConfigMaps in the bench namespace that carry a send stamp, once the count
 * is stable (requests abandoned by the client may still commit for a moment).
 */
async function committedStamped(target: Target, agent: Agent): Promise<number> {
  let last = -1;
  for (let attempt = 0; attempt < 10; attempt++) {
    const r = await send(target, agent, 'GET', `/api/v1/namespaces/${BENCH_NAMESPACE}/configmaps`);
    if (r.status !== 200) throw new Error(`list configmaps: HTTP ${r.status} ${r.body.slice(0, 200)}`);
    const items = (JSON.parse(r.body) as { items: { metadata: { annotations?: Record<string, string> } }[] }).items;
    const n = items.filter((i) => i.metadata.annotations?.[SENT_AT_ANNOTATION] !== undefined).length;
    if (n === last) return n;
    last = n;
    await new Promise((res) => setTimeout(res, 500));
  }
  return last;
}

/** The soft limit on open files of this process (children inherit it), or undefined off Linux. */
export function openFilesLimit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? (m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1])) : undefined;
  } catch {
    return undefined;
  }
}

/** Waits for the first child message matching `type`, up to `timeoutMs`. */
function nextMessage<T extends FromWatchers['type']>(child: ChildProcess, type: T, timeoutMs: number): Promise<Extract<FromWatchers, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromWatchers): void => {
      if (m.type !== type) return;
      cleanup();
      resolve(m as Extract<FromWatchers, { type: T }>);
    };
    const onExit = (code: number | null): void => { cleanup(); reject(new Error(`watchers process exited (${code}) before '${type}'`)); };
    const timer = setTimeout(() => { cleanup(); reject(new Error(`no '${type}' from watchers within ${timeoutMs} ms`)); }, timeoutMs);
    const cleanup = (): void => { clearTimeout(timer); child.off('message', onMessage); child.off('exit', onExit); };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Estimates (child clock − parent clock) from IPC round trips, keeping the tightest one. */
async function clockOffset(child: ChildProcess, rounds = 20): Promise<{ offsetMs: number; rttMs: number }> {
  let best = { offsetMs: 0, rttMs: Number.POSITIVE_INFINITY };
  for (let seq = 0; seq < rounds; seq++) {
    const t0 = epochMs();
    const reply = nextMessage(child, 'clock', 5000);
    child.send({ type: 'clock', seq, parentMs: t0 } satisfies ToWatchers);
    const { childMs } = await reply;
    const t1 = epochMs();
    if (t1 - t0 < best.rttMs) best = { offsetMs: childMs - (t0 + t1) / 2, rttMs: t1 - t0 };
  }
  return best;
}

export async function runWatchFanout(o: WatchFanoutOptions): Promise<ResultRow[]> {
  const watchers = o.watchers ?? 1000;
  const rate = o.rate ?? 1000;
  const limit = openFilesLimit();
  console.log(`\n# Watch fan-out: ${watchers} watchers (one HTTPS connection each, in a child process), writer at ${rate} creates/s for ${o.durationS}s (+1s warm-up, not stamped)`);
  console.log(`open files limit (ulimit -n): ${limit ?? 'unknown'}${limit !== undefined && limit < watchers + 256 ? `  WARNING: below ${watchers + 256}; watchers may fail to open` : ''}`);

  const bench = await startBenchServer({ datastore: 'sqlite', env: o.serverEnv ?? {} });
  let agent = newAgent(bench.target, { maxSockets: 64 });
  let child: ChildProcess | undefined;
  try {
    const list = await send(bench.target, agent, 'GET', `/api/v1/namespaces/${BENCH_NAMESPACE}/configmaps?limit=1`);
    if (list.status !== 200) throw new Error(`list configmaps: HTTP ${list.status} ${list.body.slice(0, 200)}`);
    const rv = (JSON.parse(list.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const cfg: WatchersConfig = {
      kubeconfig: bench.server.kubeconfig, watchers, openConcurrency: 50, openTimeoutMs: OPEN_TIMEOUT_MS,
      path: `/api/v1/namespaces/${BENCH_NAMESPACE}/configmaps?watch=1&resourceVersion=${rv}`,
    };
    child = fork(fileURLToPath(new URL('./watch-clients.js', import.meta.url)), [JSON.stringify(cfg)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await nextMessage(child, 'ready', OPEN_TIMEOUT_MS + 10_000);
    console.log(`watchers open: ${ready.opened}/${watchers} in ${ms(ready.openMs)}${ready.failed ? `, ${ready.failed} failed (first: ${ready.firstError})` : ''}`);
    const clock = await clockOffset(child);
    console.log(`clock offset watchers−writer ${clock.offsetMs.toFixed(3)} ms (IPC round trip ${clock.rttMs.toFixed(3)} ms)`);

    const prefix = uniquePrefix('w');
    const path = `/api/v1/namespaces/${BENCH_NAMESPACE}/configmaps`;
    const server = cpuWindow(bench.server.process.pid!);
    const self = selfCpuWindow();
    const machine = machineCpuWindow();
    child.send({ type: 'start', childMinusParentMs: clock.offsetMs } satisfies ToWatchers);
    const abandon = new AbortController();
    // Every outstanding create listens on it (bounded by the open loop's cap).
    setMaxListeners(Number.MAX_SAFE_INTEGER, abandon.signal);
    const writes = await runOpenLoop({
      rate, durationMs: o.durationS * 1000, graceMs: WRITER_GRACE_MS,
      op: async (seq, counted) => {
        const body = configMapBody(`${prefix}-${seq}`, counted ? { [SENT_AT_ANNOTATION]: epochMs().toFixed(3) } : undefined);
        const res = await send(bench.target, agent, 'POST', path, body, abandon.signal);
        if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
        return true;
      },
    });
    const writerCpu = self.stop();
    // Abandon creates still queued, then count what the server committed: that is what every watcher must see.
    abandon.abort();
    agent.destroy();
    agent = newAgent(bench.target, { maxSockets: 4 });
    const expected = await committedStamped(bench.target, agent);
    const resultP = nextMessage(child, 'result', DRAIN_TIMEOUT_MS + 10_000);
    child.send({ type: 'drain', expected, timeoutMs: DRAIN_TIMEOUT_MS } satisfies ToWatchers);
    const r: WatchersResult = (await resultP).result;
    const serverCpu = server.stop();
    const machineCpu = machine.stop();

    const hist = new Histogram();
    hist.merge(r.hist);
    const [p50, p99] = [hist.percentile(0.5), hist.percentile(0.99)];
    const wanted = expected * ready.opened;
    const missing = wanted - r.delivered;
    const ok = p99 < P99_TARGET_MS && missing === 0 && r.closedByServer === 0 && ready.failed === 0;
    console.log(`writer: ${Math.round(writes.achievedRate)} creates/s achieved of ${rate} (${expected} stamped events committed, ${writes.errors} errors, ${writes.unanswered} abandoned unanswered), create p99 ${ms(writes.hist.percentile(0.99))}`);
    console.log(`delivered ${r.delivered} of ${wanted} (${missing} missing; ${r.complete}/${ready.opened} watchers got all), last delivery ${ms(r.drainMs)} after the writer stopped`);
    console.log(`delivery latency p50 ${ms(p50)}  p99 ${ms(p99)}  p99.9 ${ms(hist.percentile(0.999))}  max ${ms(hist.max)}  (target p99 < ${P99_TARGET_MS} ms: ${ok ? 'ok' : 'MISS'})`);
    console.log(`watchers closed by the server: ${r.closedByServer}${r.closedDetails.length ? ` (${r.closedDetails.join('; ')})` : ''}; ERROR events: ${r.errorEvents}`);
    console.log(`CPU: server ${(serverCpu * 100).toFixed(0)}%, ${describeCpu('writer', writerCpu)}, ${describeCpu('watchers', r.cpu)}, ${describeOthers(machineCpu, serverCpu + writerCpu + r.cpu)} (machine has ${CORES} cores)`);
    if (r.cpu >= 0.9) console.log('NOTE: the watcher process used a whole core: latency figures include client-side queueing; the server may be faster than shown.');
    const eventBytes = r.delivered > 0 ? r.bytes / r.delivered : 0;
    let ceiling: TlsCeiling | undefined;
    if (eventBytes > 0) {
      ceiling = await measureTlsCeiling({
        dataDir: bench.server.dataDir, connections: ready.opened, eventsPerSecond: rate, bytesPerEvent: eventBytes,
        windowMs: 50, durationS: Math.min(o.durationS, 5),
      });
      console.log(`transport alone (no API server; same connections, ${eventBytes.toFixed(0)}-byte events, ${rate}/s each, one write per 50 ms window): `
        + `${ceiling.achievedMBps.toFixed(0)} of ${ceiling.wantedMBps.toFixed(0)} MB/s through TLS, writer CPU ${(ceiling.writerCpu * 100).toFixed(0)}%, readers CPU ${(ceiling.readerCpu * 100).toFixed(0)}%`);
    }
    return [
      { name: `watch x${watchers} @${rate}/s delivered`, value: `${r.delivered}/${wanted}` },
      { name: `watch x${watchers} @${rate}/s p50`, value: ms(p50) },
      { name: `watch x${watchers} @${rate}/s p99`, value: ms(p99), target: `< ${P99_TARGET_MS} ms`, ok },
      { name: `watch x${watchers} closed by server`, value: String(r.closedByServer) },
      { name: `watch x${watchers} client CPU (watchers)`, value: `${(r.cpu * 100).toFixed(0)}%${r.cpu >= 0.9 ? ' SATURATED' : ''}` },
      ...(ceiling ? [{
        name: `watch x${watchers} @${rate}/s TLS alone`,
        value: `${ceiling.achievedMBps.toFixed(0)}/${ceiling.wantedMBps.toFixed(0)} MB/s, CPU ${(ceiling.writerCpu * 100).toFixed(0)}% + ${(ceiling.readerCpu * 100).toFixed(0)}%`,
      }] : []),
    ];
  } finally {
    if (child && child.exitCode === null) child.kill();
    agent.destroy();
    await bench.stop();
  }
}
