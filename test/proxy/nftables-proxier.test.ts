/**
 * The nftables proxier's sync logic against a scripted nft (no root): the
 * first sync recreates the table in one transaction; partial syncs carry
 * only changes; a failed transaction is logged with its failing line, keeps
 * the element state of the last good sync and is followed by a full sync
 * that does not delete the table; stale chains are deleted by a later sync
 * in a transaction of their own, at least 1 s after being flushed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandResult, Runner } from '../../src/proxy/exec.js';
import { ProxyChangeTracker } from '../../src/proxy/index.js';
import { proxyMetrics } from '../../src/proxy/metrics.js';
import { NFTablesProxier } from '../../src/proxy/nftables/proxier.js';
import { parseTableListing } from '../../src/proxy/nftables/nft.js';
import { capturingLogger } from '../kubelet/config/log-lines.js';
import { service, slice } from './fixtures.js';

/** A fake nft: records every transaction, fails the next one on request, lists what the transactions declared. */
function fakeNft(): Runner & { txs: string[]; failNext: string | undefined; chains: Set<string> } {
  const chains = new Set<string>();
  const r = {
    prefix: [] as string[], txs: [] as string[], failNext: undefined as string | undefined, chains,
    async run(argv: readonly string[], opts: { stdin?: string } = {}): Promise<CommandResult> {
      if (argv[1] === '-f') {
        const text = opts.stdin ?? '';
        r.txs.push(text);
        if (r.failNext) {
          const err = r.failNext;
          r.failNext = undefined;
          return { code: 1, stdout: '', stderr: `/dev/stdin:3:1-10: Error: ${err}` };
        }
        for (const line of text.split('\n')) {
          const m = /^(add|delete) chain ip kube-proxy (\S+)/.exec(line);
          if (m) { if (m[1] === 'add') chains.add(m[2]!); else chains.delete(m[2]!); }
          if (line === 'delete table ip kube-proxy') chains.clear();
        }
        return { code: 0, stdout: '', stderr: '' };
      }
      if (argv.includes('chains')) return { code: 0, stdout: `table ip kube-proxy {\n${[...chains].map((c) => `\tchain ${c} {\n\t}`).join('\n')}\n}\n`, stderr: '' };
      return { code: 0, stdout: '', stderr: '' };
    },
  };
  return r;
}

test('listing parser keeps only our table\'s chains and sets', () => {
  const text = 'table ip nat {\n\tchain PREROUTING {\n\t}\n}\ntable ip kube-proxy {\n\tchain services {\n\t}\n\tset affinity-X {\n\t\ttype ipv4_addr\n\t}\n}\n';
  assert.deepEqual(parseTableListing(text), { chains: ['services'], sets: ['affinity-X'] });
  assert.deepEqual(parseTableListing(text, 'ip6'), { chains: [], sets: [] });
});

test('nftables proxier: recreate once, partial diffs, failure then a full sync, stale chains deleted later', async () => {
  const nft = fakeNft();
  const { logger, lines } = capturingLogger();
  const tracker = new ProxyChangeTracker({ nodeName: 'node1' });
  const proxier = new NFTablesProxier({ tracker, runner: nft, log: logger, metrics: proxyMetrics(), conntrackCleanup: false });
  tracker.onService(undefined, service('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80 }] }));
  tracker.onEndpointSlice(slice('ns1', 'svc1', 's1', [{ name: 'p80', port: 80 }], [{ ip: '10.180.0.1' }, { ip: '10.180.0.2' }]), false);

  const first = await proxier.syncProxyRules();
  assert.deepEqual([first.ok, first.full], [true, true]);
  assert.match(nft.txs.at(-1)!, /^add table ip kube-proxy\ndelete table ip kube-proxy\n/);

  const before = nft.txs.length;
  const idle = await proxier.syncProxyRules();
  assert.deepEqual([idle.ok, idle.full], [true, false]);
  assert.equal(nft.txs.length, before, 'nothing changed: no transaction');

  tracker.onEndpointSlice(slice('ns1', 'svc1', 's1', [{ name: 'p80', port: 80 }], [{ ip: '10.180.0.2' }]), false);
  nft.failNext = 'Could not process rule: No such file or directory';
  const failed = await proxier.syncProxyRules();
  assert.deepEqual([failed.ok, failed.full], [false, false]);
  const logged = lines().find((l) => l['msg'] === 'failed to sync nftables rules; the previous rules stay; retrying with a full sync');
  assert.ok(logged, 'the failure is logged');
  assert.match(String(logged['err']), /No such file or directory/);
  assert.equal((logged['rules'] as string[]).length > 0, true, 'with the lines around the failing one');
  assert.equal(proxier.stats().failures, 1);

  const retry = await proxier.syncProxyRules();
  assert.deepEqual([retry.ok, retry.full], [true, true], 'after a failure: a full sync');
  const text = nft.txs.at(-1)!;
  assert.ok(!text.includes('delete table'), 'the table is not deleted again');
  assert.match(text, /^add table ip kube-proxy \{ comment "rules for kube-proxy" ; \}/);
  assert.match(text, /numgen random mod 1 vmap/);
  assert.match(text, /flush chain ip kube-proxy endpoint-[A-Z2-7]{8}-ns1\/svc1\/tcp\/p80__10\.180\.0\.1\/80\n/, 'the stale endpoint chain is flushed');
  assert.equal(retry.staleChains, 1);

  const soon = await proxier.syncProxyRules();
  assert.equal(soon.deletedChains, 0, 'not deleted within 1 s');
  await new Promise((r) => setTimeout(r, 1100));
  const later = await proxier.syncProxyRules();
  assert.equal(later.deletedChains, 1);
  assert.match(nft.txs.at(-1)!, /^delete chain ip kube-proxy endpoint-[A-Z2-7]{8}-ns1\/svc1\/tcp\/p80__10\.180\.0\.1\/80\n$/, 'in a transaction of its own');
  await proxier.stop();
});

test('the ip6 proxier makes no table until there is an IPv6 service, then programs it in table ip6 kube-proxy', async () => {
  const nft = fakeNft();
  const { logger } = capturingLogger();
  const tracker = new ProxyChangeTracker({ nodeName: 'node1', family: 'IPv6' });
  const proxier = new NFTablesProxier({ family: 'ip6', skipWhenEmpty: true, tracker, runner: nft, log: logger, metrics: proxyMetrics(), conntrackCleanup: false });
  tracker.onService(undefined, service('ns1', 'v4only', { clusterIP: '172.30.0.41', ports: [{ port: 80 }] }));
  assert.deepEqual((await proxier.syncProxyRules()).ok, true);
  assert.equal(nft.txs.length, 0, 'no IPv6 service: no transaction, no table');
  tracker.onService(undefined, service('ns1', 'v6', { clusterIP: 'fd00:43::5', clusterIPs: ['fd00:43::5'], ports: [{ port: 80 }] }));
  tracker.onEndpointSlice({ ...slice('ns1', 'v6', 's', [{ port: 8080 }], [{ ip: 'fd00:180::2' }]), addressType: 'IPv6' }, false);
  const r = await proxier.syncProxyRules();
  assert.deepEqual([r.ok, r.full], [true, true]);
  const text = nft.txs.at(-1)!;
  assert.match(text, /^add table ip6 kube-proxy\ndelete table ip6 kube-proxy\n/);
  assert.match(text, /add rule ip6 kube-proxy services fib daddr type local ip6 daddr != ::1 meta l4proto \. th dport vmap @service-nodeports/);
  assert.match(text, /add element ip6 kube-proxy service-ips \{ fd00:43::5 \. tcp \. 80 : goto service-[A-Z2-7]{8}-ns1\/v6\/tcp\/ \}/);
  assert.match(text, /meta l4proto tcp dnat to \[fd00:180::2\]:8080/);
  await proxier.stop();
});
