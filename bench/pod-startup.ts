/**
 * Pod startup latency on a real node: a fresh `k8ts server` and `k8ts agent`
 * (its own containerd, the busybox image already imported). Pods are created
 * one at a time (`--singles`, default 5), then `--burst` (default 30) at once,
 * and the scheduler binds them;
 * each pod's latency runs from just before its POST to the watch event that
 * shows it Running (client-side timestamps, one process).
 *
 * Beside it, the runtime floor: the same pods started straight through CRI
 * on the same containerd, with the kubelet's own sandbox and container
 * configs (RunPodSandbox + CreateContainer + StartContainer), one at a time
 * and then the same number at once; no API server, scheduler or kubelet.
 * The floor's sandboxes carry no pod uid label, so the kubelet leaves them.
 *
 * Targets: p50 ≤ 1.3x the floor; p99 < 2 s for the burst. Upstream's SLO
 * (pod startup, image present): p99 ≤ 5 s. Needs root and the node packages.
 *
 *   node dist/bench/pod-startup.js [--singles N] [--burst M]
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { RESOURCES } from '../src/client/index.js';
import { POD_UID_LABEL, connectCri, containerConfig, podSandboxConfig, type CriClient } from '../src/kubelet/index.js';
import { BENCH_IMAGE, nodeBenchUnavailable, startBenchNode, type BenchNode } from './node-agent.js';
import { ms, printTable, type ResultRow } from './stats.js';

const FLOOR_RATIO_TARGET = 1.3;
const BURST_P99_TARGET_MS = 2000;
const UPSTREAM_SLO_P99_MS = 5000;
const COMMAND = ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'];

/** `uid` only for the floor: the API server sets a created pod's. */
function pod(name: string, uid?: string): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', ...(uid ? { uid } : {}), labels: { bench: 'pod-startup' } },
    spec: {
      terminationGracePeriodSeconds: 2,
      containers: [{ name: 'c', image: BENCH_IMAGE, imagePullPolicy: 'IfNotPresent', command: COMMAND }],
    },
  };
}

/** Nearest-rank percentile of a few exact samples. */
function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
}

/** create → Running through k8ts, for each of `names` created at once. */
async function k8tsRound(node: BenchNode, names: string[]): Promise<number[]> {
  const list = await node.client.list(RESOURCES.pods, { namespace: 'default' });
  const running = new Map<string, number>();
  const watch = await node.client.watch<Pod>(RESOURCES.pods, { namespace: 'default', resourceVersion: list.metadata?.resourceVersion ?? '0' });
  const want = new Set(names);
  const done = (async () => {
    for await (const ev of watch) {
      if (ev.type !== 'MODIFIED' && ev.type !== 'ADDED') continue;
      const name = ev.object.metadata?.name ?? '';
      if (want.has(name) && ev.object.status?.phase === 'Running' && !running.has(name)) {
        running.set(name, performance.now());
        if (running.size === want.size) return;
      }
    }
  })();
  const created = new Map<string, number>();
  await Promise.all(names.map(async (n) => {
    const p = pod(n);
    created.set(n, performance.now());
    await node.client.create(RESOURCES.pods, p, { namespace: 'default' });
  }));
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`only ${running.size}/${names.length} pods Running after 120 s:\n${node.logs()}`)), 120_000).unref());
  try {
    await Promise.race([done, timeout]);
  } finally {
    watch.stop();
  }
  return names.map((n) => running.get(n)! - created.get(n)!);
}

/** RunPodSandbox + CreateContainer + StartContainer for each of `names` at once, as the kubelet configures them. */
async function floorRound(cri: CriClient, imageRef: string, podLogsDir: string, names: string[], sandboxes: string[]): Promise<number[]> {
  return Promise.all(names.map(async (n) => {
    const p = pod(n, randomUUID());
    const t0 = performance.now();
    const sc = podSandboxConfig(p, 0, { podLogsDir });
    delete sc.labels![POD_UID_LABEL];
    mkdirSync(sc.logDirectory!, { recursive: true, mode: 0o755 });
    const id = await cri.runtime.runPodSandbox(sc);
    sandboxes.push(id);
    const cc = containerConfig(p, { container: p.spec!.containers[0]!, kind: 'regular', restartCount: 0, imageRef });
    delete cc.labels![POD_UID_LABEL];
    const cid = await cri.runtime.createContainer(id, cc, sc);
    await cri.runtime.startContainer(cid);
    return performance.now() - t0;
  }));
}

async function deleteK8tsPods(node: BenchNode): Promise<void> {
  await node.client.deleteCollection(RESOURCES.pods, { namespace: 'default', labelSelector: 'bench=pod-startup' });
  const deadline = Date.now() + 120_000;
  while ((await node.client.list(RESOURCES.pods, { namespace: 'default' })).items.length > 0) {
    if (Date.now() > deadline) throw new Error('pods not gone after 120 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function runPodStartup(o: { singles?: number; burst?: number } = {}): Promise<ResultRow[]> {
  const singles = o.singles ?? 5;
  const burst = o.burst ?? 30;
  console.log(`\n# Pod startup on a real node: ${singles} pods one at a time, then ${burst} at once; create -> Running (watch), beside the CRI floor`);
  console.log(`cores: ${availableParallelism()}, load average before: ${loadavg()[0]!.toFixed(2)}`);
  const node = await startBenchNode();
  const cri = connectCri(node.paths.containerdSocket);
  const sandboxes: string[] = [];
  try {
    const single: number[] = [];
    for (let i = 0; i < singles; i++) single.push(...await k8tsRound(node, [`single-${i}`]));
    const many = await k8tsRound(node, Array.from({ length: burst }, (_, i) => `burst-${i}`));
    console.log(`k8ts: single ${single.map((v) => ms(v)).join(', ')}; burst of ${burst} p50 ${ms(percentile(many, 0.5))} max ${ms(Math.max(...many))}`);
    await deleteK8tsPods(node);

    const imageRef = (await cri.images.imageStatus({ image: BENCH_IMAGE })).image?.id;
    if (!imageRef) throw new Error(`${BENCH_IMAGE} is not in the agent's containerd`);
    const podLogsDir = `${node.paths.kubeletDir}-floor-logs`;
    const floorSingle: number[] = [];
    for (let i = 0; i < singles; i++) floorSingle.push(...await floorRound(cri, imageRef, podLogsDir, [`floor-single-${i}`], sandboxes));
    const floorMany = await floorRound(cri, imageRef, podLogsDir, Array.from({ length: burst }, (_, i) => `floor-burst-${i}`), sandboxes);
    console.log(`floor: single ${floorSingle.map((v) => ms(v)).join(', ')}; burst of ${burst} p50 ${ms(percentile(floorMany, 0.5))} max ${ms(Math.max(...floorMany))}`);
    console.log(`load average after: ${loadavg()[0]!.toFixed(2)}`);

    const rows: ResultRow[] = [];
    for (const [label, k, f] of [['1 pod', single, floorSingle], [`${burst} pods at once`, many, floorMany]] as const) {
      const p50 = percentile(k, 0.5);
      const p99 = percentile(k, 0.99);
      const f50 = percentile(f, 0.5);
      const f99 = percentile(f, 0.99);
      rows.push(
        { name: `${label}: create -> Running p50`, value: ms(p50), target: `<= ${FLOOR_RATIO_TARGET}x floor (${ms(f50 * FLOOR_RATIO_TARGET)})`, ok: p50 <= f50 * FLOOR_RATIO_TARGET },
        { name: `${label}: create -> Running p99`, value: ms(p99), ...(label === '1 pod' ? {} : { target: `< ${BURST_P99_TARGET_MS / 1000} s`, ok: p99 < BURST_P99_TARGET_MS }) },
        { name: `${label}: CRI floor p50 / p99`, value: `${ms(f50)} / ${ms(f99)}` },
        { name: `${label}: ratio to floor p50 / p99`, value: `${(p50 / f50).toFixed(2)}x / ${(p99 / f99).toFixed(2)}x` },
        { name: `${label}: upstream SLO p99`, value: ms(p99), target: `<= ${UPSTREAM_SLO_P99_MS / 1000} s`, ok: p99 <= UPSTREAM_SLO_P99_MS },
      );
    }
    return rows;
  } finally {
    for (const id of sandboxes) {
      await cri.runtime.stopPodSandbox(id).catch(() => undefined);
      await cri.runtime.removePodSandbox(id).catch(() => undefined);
    }
    cri.close();
    await node.stop();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { values } = parseArgs({ options: { singles: { type: 'string' }, burst: { type: 'string' } } });
  const why = nodeBenchUnavailable();
  if (why) {
    console.log(`pod-startup skipped: ${why}`);
  } else {
    const rows = await runPodStartup({
      ...(values.singles ? { singles: Number(values.singles) } : {}),
      ...(values.burst ? { burst: Number(values.burst) } : {}),
    });
    printTable('pod startup', rows);
  }
}
