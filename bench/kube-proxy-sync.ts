/**
 * kube-proxy sync time, iptables mode (issue 14): in a throwaway network
 * namespace, N Services (one TCP port, 2 ready endpoints each; N = 1,000
 * and 10,000 by default) are synced
 * - from scratch: a full sync (hook rules ensured with iptables -C/-I,
 *   iptables-save for stale chains, render, one iptables-restore);
 * - after one service's endpoints changed: a partial sync (MinimizeIPTablesRestore:
 *   the top-level chains and that service's chains only);
 * - with nothing changed (the periodic sync);
 * and beside them the floor: a plain `iptables-restore --noflush --counters`
 * of the same full rules text into a fresh namespace, and the render alone
 * (pure TypeScript, no process). The proxier is driven directly from a
 * change tracker fed with the objects, so no API server is timed.
 * Upstream publishes no figure for this. Needs root, iptables and iproute2.
 *
 *   node dist/bench/kube-proxy-sync.js [--services 1000,10000] [--runs 3] [--iptables iptables]
 */
import { parseArgs } from 'node:util';
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { createLogger } from '../src/api/log.js';
import { ProxyChangeTracker } from '../src/proxy/change-tracker.js';
import { commandRunner } from '../src/proxy/exec.js';
import { IPTables } from '../src/proxy/iptables/iptables.js';
import { clusterCidrDetector } from '../src/proxy/iptables/local-detector.js';
import { IPTablesProxier } from '../src/proxy/iptables/proxier.js';
import { renderIPTablesRules } from '../src/proxy/iptables/rules.js';
import { proxyMetrics } from '../src/proxy/metrics.js';
import { addNetns, deleteNetns, netnsName, netnsTestSkip } from '../test/proxy/netns.js';
import { ms, printTable, type ResultRow } from './stats.js';

const { values } = parseArgs({ options: {
  services: { type: 'string', default: '1000,10000' },
  runs: { type: 'string', default: '3' },
  iptables: { type: 'string', default: 'iptables' },
} });
const counts = values.services.split(',').map(Number);
const runs = Math.max(1, Number(values.runs));
const binary = values.iptables;

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

interface Figures { full: number; partial: number; idle: number; floor: number; render: number; lines: number }

async function measure(n: number): Promise<Figures> {
  const log = createLogger('kube-proxy', { level: 'warn' });
  const f: Record<keyof Figures, number[]> = { full: [], partial: [], idle: [], floor: [], render: [], lines: [] };
  for (let run = 0; run < runs; run++) {
    const ns = netnsName('kpb');
    const floorNs = netnsName('kpf');
    try {
      addNetns(ns);
      addNetns(floorNs);
      const tracker = new ProxyChangeTracker({ nodeName: 'node1' });
      for (let i = 0; i < n; i++) { tracker.onService(undefined, serviceN(i)); tracker.onEndpointSlice(sliceN(i), false); }
      const localDetector = clusterCidrDetector(['10.100.0.0/14']);
      const proxier = new IPTablesProxier({ tracker, runner: commandRunner(['ip', 'netns', 'exec', ns]), log, metrics: proxyMetrics(), iptablesBinary: binary,
        ...(localDetector ? { localDetector } : {}), conntrackCleanup: false });
      await proxier.start();

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
      const rendered = renderIPTablesRules({ snapshot: tracker.snapshot() }, localDetector ? { localDetector } : {});
      f.render.push(performance.now() - t0);
      f.lines.push(rendered.text.split('\n').length);
      const floorIpt = new IPTables(commandRunner(['ip', 'netns', 'exec', floorNs]), { binary });
      const t1 = performance.now();
      await floorIpt.restore(rendered.text);
      f.floor.push(performance.now() - t1);
    } finally {
      deleteNetns(ns, floorNs);
    }
  }
  return { full: median(f.full), partial: median(f.partial), idle: median(f.idle), floor: median(f.floor), render: median(f.render), lines: median(f.lines) };
}

const reason = netnsTestSkip([[binary, 'iptables'], [`${binary}-restore`, 'iptables'], ['sysctl', 'procps']]);
if (reason) {
  console.log(`kube-proxy-sync: skipped: ${reason}`);
} else {
  const rows: ResultRow[] = [];
  for (const n of counts) {
    const r = await measure(n);
    rows.push(
      { name: `${n} services: full sync from scratch`, value: ms(r.full) },
      { name: `${n} services: floor, plain iptables-restore of the same ${r.lines} lines`, value: ms(r.floor) },
      { name: `${n} services: render alone (no process)`, value: ms(r.render) },
      { name: `${n} services: partial sync, 1 service changed`, value: ms(r.partial) },
      { name: `${n} services: sync with nothing changed`, value: ms(r.idle) },
    );
  }
  printTable(`kube-proxy sync, iptables mode (${binary}, median of ${runs})`, rows);
}
