/**
 * Resident memory of the `k8ts agent` process (VmRSS from /proc, its
 * containerd and shims not counted): idle with no pods after `--idle`
 * seconds (default 30), then with 10 idle pods Running after the same
 * quiet spell. One reading swings by several MiB with the garbage
 * collector's timing, so RSS is read once a second over the last
 * SAMPLE_SECONDS of each spell: the median is the figure, the max beside.
 * containerd's own RSS is printed beside, for scale.
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
import { procCpuMs, procRssKib } from './proc.js';
import { mib, printTable, type ResultRow } from './stats.js';

/** Decimal megabytes, as the target is worded. */
const RSS_TARGET_MB = 80;

/** RSS is sampled once a second over the last this many seconds of an idle spell. */
const SAMPLE_SECONDS = 10;

interface RssSamples { medianKib: number; maxKib: number }

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits `seconds`, reading the RSS of `pid` each second of the last SAMPLE_SECONDS; undefined without /proc. */
async function idleRss(pid: number, seconds: number): Promise<RssSamples | undefined> {
  const samples = Math.max(1, Math.min(SAMPLE_SECONDS, seconds));
  await sleep((seconds - samples) * 1000);
  const kib: number[] = [];
  for (let i = 0; i < samples; i++) {
    await sleep(1000);
    const v = procRssKib(pid);
    if (v !== undefined) kib.push(v);
  }
  if (kib.length === 0) return undefined;
  kib.sort((a, b) => a - b);
  return { medianKib: kib[Math.floor(kib.length / 2)]!, maxKib: kib[kib.length - 1]! };
}

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
    const empty = await idleRss(pid, idle);
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
    const cpuBefore = procCpuMs(pid);
    const withPods = await idleRss(pid, idle);
    const cpuAfter = procCpuMs(pid);
    const containerdPods = containerdRssKib(node);
    await node.client.deleteCollection(RESOURCES.pods, { namespace: 'default', labelSelector: 'bench=agent-rss' });
    const gone = Date.now() + 60_000;
    while ((await node.client.list(RESOURCES.pods, { namespace: 'default' })).items.length > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 500));
    const row = (name: string, rss: RssSamples | undefined): ResultRow => (rss === undefined
      ? { name, value: 'n/a (no /proc)', target: `< ${RSS_TARGET_MB} MB` }
      : { name: `${name} (max ${mib(rss.maxKib)})`, value: mib(rss.medianKib), target: `< ${RSS_TARGET_MB} MB (${(RSS_TARGET_MB * 1e6 / 2 ** 20).toFixed(0)} MiB)`, ok: rss.medianKib * 1024 < RSS_TARGET_MB * 1e6 });
    return [
      { name: 'agent RSS at node Ready', value: atReady !== undefined ? mib(atReady) : 'n/a' },
      row(`agent RSS, no pods, ${idle}s idle, median`, empty),
      row(`agent RSS, ${pods} idle pods, ${idle}s idle, median`, withPods),
      { name: `agent CPU over that idle spell, % of one core`, value: cpuBefore !== undefined && cpuAfter !== undefined ? `${((cpuAfter - cpuBefore) / (idle * 10)).toFixed(1)} %` : 'n/a' },
      { name: 'containerd RSS, no pods / with pods (not counted)', value: `${containerdEmpty !== undefined ? mib(containerdEmpty) : 'n/a'} / ${containerdPods !== undefined ? mib(containerdPods) : 'n/a'}` },
    ];
  } finally {
    await node.stop();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { values } = parseArgs({ options: { idle: { type: 'string' }, pods: { type: 'string' } } });
  const count = (flag: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < 1) {
      console.error(`agent-rss: --${flag} wants a whole number of at least 1, not ${JSON.stringify(v)}`);
      process.exit(2);
    }
    return Number(v);
  };
  const idleSeconds = count('idle', values.idle);
  const pods = count('pods', values.pods);
  const why = nodeBenchUnavailable();
  if (why) {
    console.log(`agent-rss skipped: ${why}`);
  } else {
    const rows = await runAgentRss({
      ...(idleSeconds !== undefined ? { idleSeconds } : {}),
      ...(pods !== undefined ? { pods } : {}),
    });
    printTable('k8ts agent RSS', rows);
  }
}
