/**
 * Resident memory of the `k8ts agent` process (VmRSS from /proc, its
 * containerd and shims not counted): idle with no pods after `--idle`
 * seconds (default 30), then with 10 idle pods Running after the same
 * quiet spell. containerd's own RSS is printed beside, for scale.
 * Target: agent RSS < 80 MB. Needs root and the node packages.
 *
 *   node dist/bench/agent-rss.js [--idle SECONDS] [--pods N]
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { RESOURCES } from '../src/client/index.js';
import { BENCH_IMAGE, nodeBenchUnavailable, startBenchNode, type BenchNode } from './node-agent.js';
import { procRssKib } from './proc.js';
import { mib, printTable, type ResultRow } from './stats.js';

/** Decimal megabytes, as the target is worded. */
const RSS_TARGET_MB = 80;

function containerdRssKib(node: BenchNode): number | undefined {
  try {
    return procRssKib(Number(readFileSync(node.paths.containerdPidFile, 'utf8').trim()));
  } catch {
    return undefined;
  }
}

async function runningPods(node: BenchNode): Promise<number> {
  return (await node.client.list<Pod>(RESOURCES.pods, { namespace: 'default', labelSelector: 'bench=agent-rss' })).items
    .filter((p) => p.status?.phase === 'Running').length;
}

export async function runAgentRss(o: { idleSeconds?: number; pods?: number } = {}): Promise<ResultRow[]> {
  const idle = o.idleSeconds ?? 30;
  const pods = o.pods ?? 10;
  console.log(`\n# k8ts agent RSS: idle ${idle}s with no pods, then with ${pods} idle pods (+${idle}s); cores: ${availableParallelism()}`);
  const node = await startBenchNode();
  try {
    const pid = node.agent.pid!;
    const atReady = procRssKib(pid);
    await new Promise((r) => setTimeout(r, idle * 1000));
    const empty = procRssKib(pid);
    const containerdEmpty = containerdRssKib(node);
    for (let i = 0; i < pods; i++) {
      await node.client.create(RESOURCES.pods, {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: `idle-${i}`, labels: { bench: 'agent-rss' } },
        spec: { terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image: BENCH_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'trap "exit 0" TERM; sleep 3600 & wait'] }] },
      }, { namespace: 'default' });
    }
    const deadline = Date.now() + 120_000;
    while (await runningPods(node) < pods) {
      if (Date.now() > deadline) throw new Error(`pods not Running after 120 s:\n${node.logs()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, idle * 1000));
    const withPods = procRssKib(pid);
    const containerdPods = containerdRssKib(node);
    await node.client.deleteCollection(RESOURCES.pods, { namespace: 'default', labelSelector: 'bench=agent-rss' });
    const gone = Date.now() + 60_000;
    while ((await node.client.list(RESOURCES.pods, { namespace: 'default' })).items.length > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 500));
    const row = (name: string, kib: number | undefined): ResultRow => (kib === undefined
      ? { name, value: 'n/a (no /proc)', target: `< ${RSS_TARGET_MB} MB` }
      : { name, value: mib(kib), target: `< ${RSS_TARGET_MB} MB (${(RSS_TARGET_MB * 1e6 / 2 ** 20).toFixed(0)} MiB)`, ok: kib * 1024 < RSS_TARGET_MB * 1e6 });
    return [
      { name: 'agent RSS at node Ready', value: atReady !== undefined ? mib(atReady) : 'n/a' },
      row(`agent RSS, no pods, ${idle}s idle`, empty),
      row(`agent RSS, ${pods} idle pods, ${idle}s idle`, withPods),
      { name: 'containerd RSS, no pods / with pods (not counted)', value: `${containerdEmpty !== undefined ? mib(containerdEmpty) : 'n/a'} / ${containerdPods !== undefined ? mib(containerdPods) : 'n/a'}` },
    ];
  } finally {
    await node.stop();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { values } = parseArgs({ options: { idle: { type: 'string' }, pods: { type: 'string' } } });
  const why = nodeBenchUnavailable();
  if (why) {
    console.log(`agent-rss skipped: ${why}`);
  } else {
    const rows = await runAgentRss({
      ...(values.idle ? { idleSeconds: Number(values.idle) } : {}),
      ...(values.pods ? { pods: Number(values.pods) } : {}),
    });
    printTable('k8ts agent RSS', rows);
  }
}
