/**
 * Benchmark entry: `npm run bench` (builds, then `node dist/bench/run.js`).
 *
 *   --only creates|latency|watch|startup|scheduler|deployments   one benchmark (repeatable or comma-separated); default all
 *   --duration SECONDS                     measured seconds per point (default 10)
 *   --watchers N                           watch fan-out watchers (default 1000)
 *   --rate N                               open-loop and watch writer rate per second (default 1000)
 *   --nodes N --pods M                     scheduler benchmark size (default 5000 nodes, 10000 pods)
 *   --server-cpu-prof DIR                  CPU-profile every server (V8 sampling profiler), one file each into DIR
 *                                          (summarise with `node dist/bench/prof-summary.js DIR/<file>`)
 *
 * Prints figures and a summary table with targets; never fails on timing
 * (exit code 1 only if a benchmark could not run at all).
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runCreates } from './creates.js';
import { runLatency } from './latency.js';
import { runWatchFanout } from './watch-fanout.js';
import { runStartup } from './startup.js';
import { runSchedulerBench } from './scheduler.js';
import { runDeploymentsBench } from './deployments.js';
import { printTable, type ResultRow } from './stats.js';
import { CORES } from './proc.js';

const BENCHMARKS = ['creates', 'latency', 'watch', 'startup', 'scheduler', 'deployments'] as const;
type Benchmark = (typeof BENCHMARKS)[number];

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`invalid --${flag} ${JSON.stringify(v)}: want a positive number`);
  return n;
}

const { values } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    duration: { type: 'string', default: '10' },
    watchers: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '1000' },
    nodes: { type: 'string', default: '5000' },
    pods: { type: 'string', default: '10000' },
    'server-cpu-prof': { type: 'string' },
  },
  strict: true,
});
const only = (values.only ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
for (const o of only) if (!(BENCHMARKS as readonly string[]).includes(o)) throw new Error(`unknown --only ${o}: want one of ${BENCHMARKS.join(', ')}`);
const selected: Benchmark[] = only.length ? BENCHMARKS.filter((b) => only.includes(b)) : [...BENCHMARKS];
const durationS = positive('duration', values.duration);
const watchers = Math.round(positive('watchers', values.watchers));
const rate = positive('rate', values.rate);
const profDir = values['server-cpu-prof'];
// Node 20 refuses --cpu-prof in NODE_OPTIONS, so a preload starts the profiler instead.
const preload = pathToFileURL(fileURLToPath(new URL('./cpu-prof-preload.js', import.meta.url))).href;
const serverEnv: Record<string, string> = profDir ? {
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${preload}`.trim(),
  K8TS_BENCH_CPU_PROF_DIR: resolve(profDir),
} : {};

/** The 1-minute load average, with a warning when other work shares the cores. */
function load(when: string): string {
  const l = loadavg()[0];
  return `load average (1 min) ${when}: ${l.toFixed(2)}${l > 0.5 * CORES ? `  WARNING: other processes are busy on this ${CORES}-core machine; figures will be pessimistic` : ''}`;
}

console.log(`k8ts benchmarks: ${selected.join(', ')}; ${durationS}s per point; node ${process.version}; ${CORES} cores; all traffic on 127.0.0.1`);
console.log(load('before'));
if (profDir) console.log(`servers are CPU-profiled into ${serverEnv.K8TS_BENCH_CPU_PROF_DIR} (one .cpuprofile per server process)`);
const started = performance.now();
const rows: ResultRow[] = [];
let failed = 0;
for (const b of selected) {
  try {
    if (b === 'creates') rows.push(...await runCreates({ durationS, serverEnv }));
    if (b === 'latency') rows.push(...await runLatency({ durationS, rate, serverEnv }));
    if (b === 'watch') rows.push(...await runWatchFanout({ durationS, watchers, rate, serverEnv }));
    if (b === 'startup') rows.push(...await runStartup());
    if (b === 'deployments') rows.push(...await runDeploymentsBench({ env: serverEnv }));
    if (b === 'scheduler') rows.push(...await runSchedulerBench({ nodes: Math.round(positive('nodes', values.nodes)), pods: Math.round(positive('pods', values.pods)), env: serverEnv }));
  } catch (e) {
    failed++;
    console.log(`\n${b}: could not run: ${e instanceof Error ? e.stack ?? e.message : String(e)}${e instanceof Error && e.cause ? `\ncause: ${String(e.cause instanceof Error ? e.cause.message : e.cause)}` : ''}`);
    rows.push({ name: b, value: 'did not run (see above)' });
  }
}
printTable(`Summary (${((performance.now() - started) / 1000).toFixed(0)}s)`, rows);
console.log(load('after'));
process.exitCode = failed === selected.length ? 1 : 0;
