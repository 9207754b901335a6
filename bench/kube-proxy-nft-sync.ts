/**
 * kube-proxy sync time, nftables mode (issue 14): in a throwaway network
 * namespace, N Services (one TCP port, 2 ready endpoints each; N = 1,000
 * and 10,000 by default) are synced
 * - from scratch: the first full sync (one `nft -f -` transaction that
 *   deletes and recreates the table);
 * - after one service's endpoints changed: a partial sync (`nft list` for
 *   stale chains, then that service's chains and the element diff);
 * - with nothing changed (the periodic sync);
 * and beside them the floor: a plain `nft -f -` of the same full
 * transaction into a fresh namespace, and the render alone (no process).
 * The proxier is driven directly from a change tracker, so no API server
 * is timed. Needs root, nft and iproute2.
 *
 *   node dist/bench/kube-proxy-nft-sync.js [--services 1000,10000] [--runs 3]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { createLogger } from '../src/api/log.js';
import { ProxyChangeTracker } from '../src/proxy/change-tracker.js';
import { commandRunner } from '../src/proxy/exec.js';
import { proxyMetrics } from '../src/proxy/metrics.js';
import { nftClusterCidrDetector } from '../src/proxy/nftables/local-detector.js';
import { NFT } from '../src/proxy/nftables/nft.js';
import { NFTablesProxier } from '../src/proxy/nftables/proxier.js';
import { renderNFTablesTransaction } from '../src/proxy/nftables/rules.js';
import { ms, printTable, type ResultRow } from './stats.js';

const { values } = parseArgs({ options: {
  services: { type: 'string', default: '1000,10000' },
  runs: { type: 'string', default: '3' },
} });
const counts = values.services.split(',').map(Number);
const runs = Math.max(1, Number(values.runs));

const ipOf = (i: number, base: number): string => `10.${base + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;

function serviceN(i: number): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'bench', name: `svc-${i}` },
    spec: { type: 'ClusterIP', clusterIP: ipOf(i, 96), ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } };
}

function sliceN(i: number, gen = 0): EndpointSlice {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
    metadata: { namespace: 'bench', name: `svc-${i}-1`, labels: { 'kubernetes.io/service-name': `svc-${i}` } },
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: [ipOf(2 * i + gen, 100), ipOf(2 * i + 1, 100)].map((ip) => ({ addresses: [ip], conditions: { ready: true }, nodeName: 'node1' })) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const netns = (): string => {
  const name = `k8ts-nftb-${randomBytes(3).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', name]);
  return name;
};

interface Figures { full: number; partial: number; idle: number; floor: number; render: number; lines: number }

async function measure(n: number): Promise<Figures> {
  const log = createLogger('kube-proxy', { level: 'warn' });
  const f: Record<keyof Figures, number[]> = { full: [], partial: [], idle: [], floor: [], render: [], lines: [] };
  for (let run = 0; run < runs; run++) {
    const names: string[] = [];
    try {
      const ns = netns();
      names.push(ns);
      const floorNs = netns();
      names.push(floorNs);
      const tracker = new ProxyChangeTracker({ nodeName: 'node1' });
      for (let i = 0; i < n; i++) { tracker.onService(undefined, serviceN(i)); tracker.onEndpointSlice(sliceN(i), false); }
      const localDetector = nftClusterCidrDetector(['10.100.0.0/14']);
      const proxier = new NFTablesProxier({ tracker, runner: commandRunner(['ip', 'netns', 'exec', ns]), log, metrics: proxyMetrics(),
        ...(localDetector ? { localDetector } : {}), conntrackCleanup: false });

      const full = await proxier.syncProxyRules();
      if (!full.ok || !full.full) throw new Error(`full sync failed: ${full.error}`);
      f.full.push(full.durationMs);

      tracker.onEndpointSlice(sliceN(n >> 1, 1), false);
      const partial = await proxier.syncProxyRules();
      if (!partial.ok || partial.full) throw new Error(`partial sync failed: ${partial.error}`);
      f.partial.push(partial.durationMs);

      const idle = await proxier.syncProxyRules();
      f.idle.push(idle.durationMs);
      await proxier.stop();

      const t0 = performance.now();
      const rendered = renderNFTablesTransaction({ snapshot: tracker.snapshot(), recreateTable: true }, localDetector ? { localDetector } : {});
      f.render.push(performance.now() - t0);
      f.lines.push(rendered.text.split('\n').length);
      const t1 = performance.now();
      await new NFT(commandRunner(['ip', 'netns', 'exec', floorNs])).run(rendered.text);
      f.floor.push(performance.now() - t1);
    } finally {
      for (const name of names) spawnSync('ip', ['netns', 'delete', name]);
    }
  }
  return { full: median(f.full), partial: median(f.partial), idle: median(f.idle), floor: median(f.floor), render: median(f.render), lines: median(f.lines) };
}

const missing = [process.getuid?.() !== 0 ? 'root' : '', ...[['nft', 'nftables'], ['ip', 'iproute2']]
  .filter(([bin]) => spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0).map(([bin, pkg]) => `${bin} (apt-get install ${pkg})`)].filter(Boolean);
if (missing.length) {
  console.log(`kube-proxy-nft-sync: skipped: needs ${missing.join('; ')}`);
} else {
  const rows: ResultRow[] = [];
  for (const n of counts) {
    const r = await measure(n);
    rows.push(
      { name: `${n} services: full sync from scratch`, value: ms(r.full) },
      { name: `${n} services: floor, plain nft -f of the same ${r.lines} lines`, value: ms(r.floor) },
      { name: `${n} services: render alone (no process)`, value: ms(r.render) },
      { name: `${n} services: partial sync, 1 service changed`, value: ms(r.partial) },
      { name: `${n} services: sync with nothing changed`, value: ms(r.idle) },
    );
  }
  printTable(`kube-proxy sync, nftables mode (median of ${runs})`, rows);
}
