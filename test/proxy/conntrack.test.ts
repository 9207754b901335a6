/** UDP conntrack cleanup decisions (compat §1.8) from real `conntrack -L` lines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConntrackList, staleUdpFlows } from '../../src/proxy/conntrack.js';
import { service, slice, snapshotOf } from './fixtures.js';

const LIST = [
  'udp      17 28 src=10.42.0.7 dst=10.43.0.10 sport=40000 dport=53 src=10.42.0.5 dst=10.42.0.7 sport=53 dport=40000 mark=0 use=1',
  'udp      17 28 src=10.42.0.7 dst=10.43.0.10 sport=40001 dport=53 [UNREPLIED] src=10.43.0.10 dst=10.42.0.7 sport=53 dport=40001 mark=0 use=1',
  'udp      17 28 src=10.42.0.8 dst=10.43.0.10 sport=40002 dport=53 src=10.42.0.9 dst=10.42.0.8 sport=53 dport=40002 mark=0 use=1',
  'udp      17 28 src=192.0.2.1 dst=192.168.1.10 sport=5000 dport=30053 src=10.42.0.9 dst=192.0.2.1 sport=53 dport=5000 mark=0 use=1',
  'udp      17 28 src=10.42.0.7 dst=10.43.0.99 sport=40003 dport=53 src=10.42.0.9 dst=10.42.0.7 sport=53 dport=40003 mark=0 use=1',
  'conntrack v1.4.7 (conntrack-tools): 5 flow entries have been shown.',
].join('\n');

test('entries to a UDP service whose reply source is not a serving endpoint are stale', () => {
  const entries = parseConntrackList(LIST);
  assert.equal(entries.length, 5);
  assert.deepEqual(entries[0], { origDst: '10.43.0.10', origDport: 53, replySrc: '10.42.0.5' });
  const snap = snapshotOf([service('kube-system', 'kube-dns', { type: 'NodePort', clusterIP: '10.43.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 }] })],
    [slice('kube-system', 'kube-dns', 'a', [{ name: 'dns', port: 53, protocol: 'UDP' }], [{ ip: '10.42.0.5' }, { ip: '10.42.0.6', ready: false, serving: true, terminating: true }])]);
  assert.deepEqual(staleUdpFlows(snap, entries, ['192.168.1.10']), [
    // Made while the service had no endpoint: DNAT never happened, the reply comes from the cluster IP itself.
    { origDst: '10.43.0.10', dport: 53, replySrc: '10.43.0.10' },
    // DNATed to an endpoint that is gone.
    { origDst: '10.43.0.10', dport: 53, replySrc: '10.42.0.9' },
    { dport: 30053, replySrc: '10.42.0.9' },
  ]);
});

test('a UDP service without serving endpoints, and TCP services, are left alone', () => {
  const entries = parseConntrackList(LIST);
  const none = snapshotOf([service('kube-system', 'kube-dns', { clusterIP: '10.43.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] })], []);
  assert.deepEqual(staleUdpFlows(none, entries, []), []);
  const tcp = snapshotOf([service('kube-system', 'kube-dns', { clusterIP: '10.43.0.10', ports: [{ name: 'dns', port: 53, protocol: 'TCP' }] })],
    [slice('kube-system', 'kube-dns', 'a', [{ name: 'dns', port: 53, protocol: 'TCP' }], [{ ip: '10.42.0.5' }])]);
  assert.deepEqual(staleUdpFlows(tcp, entries, []), []);
});
