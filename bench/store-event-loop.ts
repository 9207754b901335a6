/**
 * How much SqliteStore's writes hold up the event loop of the thread that
 * uses it (the API server's only thread). Creates arrive open loop at
 * --rate per second (~1 KiB values, unique keys) for --seconds; prints the
 * achieved rate, create latency p50/p99 (from the scheduled time), the main
 * thread's event-loop utilization, and event-loop delay p50/p99/max (what
 * every other request on that thread would wait on top of its own work).
 * Usage: node dist/bench/store-event-loop.js [--rate 1000] [--seconds 5] [--synchronous full|normal]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '5' },
    synchronous: { type: 'string', default: 'full' },
  },
});
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const synchronous = args.synchronous === 'normal' ? 'normal' : 'full';
const value = new TextEncoder().encode(JSON.stringify({ kind: 'ConfigMap', data: { x: 'y'.repeat(1000) } }));

const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-el-'));
const store = new SqliteStore(join(dir, 'state.db'), { synchronous });
await store.create('/warm-up', value);

const latencies: number[] = [];
let issued = 0;
let errors = 0;
const due = rate * seconds;
const start = performance.now();
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const elu0 = performance.eventLoopUtilization();

await new Promise<void>((done) => {
  let settled = 0;
  const settle = (): void => { if (++settled === due) done(); };
  const tick = (): void => {
    const now = performance.now();
    const target = Math.min(due, Math.floor(((now - start) / 1000) * rate));
    for (; issued < target; issued++) {
      const scheduled = start + (issued / rate) * 1000;
      store.create(`/registry/configmaps/bench/cm-${issued}`, value).then(
        () => { latencies.push(performance.now() - scheduled); settle(); },
        () => { errors++; settle(); },
      );
    }
    if (issued < due) setTimeout(tick, 1);
  };
  tick();
});
const elapsed = (performance.now() - start) / 1000;
const elu = performance.eventLoopUtilization(elu0);
delay.disable();
await store.close();
rmSync(dir, { recursive: true, force: true });

latencies.sort((a, b) => a - b);
const pct = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
const ms = (ns: number): string => (ns / 1e6).toFixed(1);
console.log(`sqlite store, synchronous=${synchronous}, open loop ${rate}/s for ${seconds}s; load average (1 min) ${loadavg()[0]!.toFixed(2)}`);
console.log(`achieved ${Math.round(latencies.length / elapsed)} creates/s  errors ${errors}  latency p50 ${pct(0.5).toFixed(2)} ms  p99 ${pct(0.99).toFixed(2)} ms`);
console.log(`main thread: event-loop utilization ${(elu.utilization * 100).toFixed(0)}%  event-loop delay p50 ${ms(delay.percentile(50))} ms  p99 ${ms(delay.percentile(99))} ms  max ${ms(delay.max)} ms`);
