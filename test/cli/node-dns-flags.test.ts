/** The node's DNS flags: defaults, lists, "" for none, and clear errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeFlagValues } from '../../src/cli/node-flags.js';
import { UsageError } from '../../src/cli/usage-error.js';

const base = { 'node-name': 'n1' };

test('--cluster-dns, --cluster-domain, --resolv-conf: defaults and values', () => {
  const d = nodeFlagValues(base);
  assert.deepEqual([d.clusterDNS, d.clusterDomain, d.resolvConf], [['10.43.0.10'], 'cluster.local', '/etc/resolv.conf']);
  const v = nodeFlagValues({ ...base, 'cluster-dns': '10.0.0.10, fd00::a', 'cluster-domain': 'corp.internal.', 'resolv-conf': '' });
  assert.deepEqual([v.clusterDNS, v.clusterDomain, v.resolvConf], [['10.0.0.10', 'fd00::a'], 'corp.internal', '']);
  assert.deepEqual(nodeFlagValues({ ...base, 'cluster-dns': '' }).clusterDNS, []);
});

test('bad DNS flags are usage errors naming the flag', () => {
  assert.throws(() => nodeFlagValues({ ...base, 'cluster-dns': '10.0.0.10,nope' }), (e: unknown) => e instanceof UsageError && /--cluster-dns/.test(e.message));
  assert.throws(() => nodeFlagValues({ ...base, 'cluster-domain': 'Bad_Domain' }), (e: unknown) => e instanceof UsageError && /--cluster-domain/.test(e.message));
});
