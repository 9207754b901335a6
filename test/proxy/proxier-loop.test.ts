/**
 * The iptables proxier's sync loop on a real kernel (its own network
 * namespace, no API server): nothing before initialization; bursts of
 * changes coalesce under minSyncPeriod; the first sync is full, later
 * ones partial. Needs root, iptables, iproute2 and procps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/api/log.js';
import { ProxyChangeTracker } from '../../src/proxy/change-tracker.js';
import { commandRunner } from '../../src/proxy/exec.js';
import { IPTablesProxier } from '../../src/proxy/iptables/proxier.js';
import { proxyMetrics } from '../../src/proxy/metrics.js';
import { service, slice } from './fixtures.js';
import { addNetns, deleteNetns, inNs, netnsName, netnsTestSkip, sh } from './netns.js';

const skip = netnsTestSkip([['iptables', 'iptables'], ['iptables-restore', 'iptables'], ['sysctl', 'procps']]);

test('syncs wait for initialization, coalesce under minSyncPeriod, and are partial after the first', { skip, timeout: 60_000 }, async () => {
  const ns = netnsName('kpl');
  const tracker = new ProxyChangeTracker({ nodeName: 'node1' });
  const proxier = new IPTablesProxier({
    tracker, runner: commandRunner(['ip', 'netns', 'exec', ns]), log: createLogger('kube-proxy', { level: 'silent' }), metrics: proxyMetrics(),
    minSyncPeriodMs: 700, syncPeriodMs: 60_000, conntrackCleanup: false,
  });
  try {
    addNetns(ns);
    await proxier.start();
    tracker.onService(undefined, service('ns', 's0', { clusterIP: '10.43.0.100', ports: [{ port: 80 }] }));
    proxier.requestSync();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(proxier.stats().syncs, 0, 'no sync before both informers synced');

    proxier.setInitialized();
    await proxier.idle();
    assert.deepEqual([proxier.stats().syncs, proxier.stats().fullSyncs], [1, 1]);
    assert.match(sh(inNs(ns, ['iptables-save', '-t', 'filter'])), /ns\/s0 has no endpoints/);

    // minSyncPeriod counts from the start of the first sync, which ended just now after its own duration.
    const firstStarted = Date.now() - (proxier.stats().last?.durationMs ?? 0);
    for (let i = 1; i <= 20; i++) {
      tracker.onEndpointSlice(slice('ns', 's0', 's0-1', [{ port: 80 }], [{ ip: `10.180.0.${i}` }]), false);
      proxier.requestSync();
      await new Promise((r) => setTimeout(r, 10));
    }
    await proxier.idle();
    const s = proxier.stats();
    // 20 changes in ~250 ms after a sync: at most one sync at the 700 ms mark and one for changes during it.
    assert.ok(s.syncs - 1 <= 2, `${s.syncs - 1} syncs for 20 changes`);
    assert.ok(Date.now() - firstStarted >= 690, `the next sync waited for minSyncPeriod (${Date.now() - firstStarted} ms after the first began)`);
    assert.equal(s.fullSyncs, 1, 'later syncs are partial');
    assert.equal(s.last?.ok, true);
    assert.match(sh(inNs(ns, ['iptables-save', '-t', 'nat'])), /--to-destination 10\.180\.0\.20:80/);
  } finally {
    await proxier.stop();
    deleteNetns(ns);
  }
});
