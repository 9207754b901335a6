/**
 * Creates/s of SqliteStore at 1, 10 and 100 concurrent in-process clients.
 * Usage: node dist/bench/store.js [--seconds N (default 5)] [--synchronous full|normal (default full)]
 * Each client loops create() of a new key with a ~1 KiB pod-like value; one
 * fresh database per concurrency level, in a temp dir removed afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';

const { values: args } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, synchronous: { type: 'string', default: 'full' } },
});
const seconds = Number(args.seconds);
const synchronous = args.synchronous === 'normal' ? 'normal' : 'full';

const pod = (name: string) => new TextEncoder().encode(JSON.stringify({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { app: 'bench' }, uid: crypto.randomUUID() },
  spec: {
    containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
    nodeName: 'node-1', restartPolicy: 'Always', terminationGracePeriodSeconds: 30,
  },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: new Date().toISOString() }] },
  padding: 'x'.repeat(500),
}));

async function run(concurrency: number): Promise<{ rate: number; p50: number; p99: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-'));
  const store = new SqliteStore(join(dir, 'state.db'), { synchronous });
  const latencies: number[] = [];
  let n = 0;
  const deadline = performance.now() + seconds * 1000;
  const client = async (c: number) => {
    for (let i = 0; performance.now() < deadline; i++) {
      const t0 = performance.now();
      await store.create(`/registry/pods/default/bench-${c}-${i}`, pod(`bench-${c}-${i}`));
      latencies.push(performance.now() - t0);
      n++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, c) => client(c)));
  const elapsed = (performance.now() - start) / 1000;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { rate: n / elapsed, p50: pct(0.5), p99: pct(0.99) };
}

console.log(`sqlite store, synchronous=${synchronous}, ${seconds}s per level`);
for (const concurrency of [1, 10, 100]) {
  const r = await run(concurrency);
  console.log(`concurrency ${String(concurrency).padStart(3)}: ${Math.round(r.rate).toString().padStart(7)} creates/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms`);
}
