/**
 * Leader election on a Lease against a real server: one of two candidates
 * leads; the other takes over when the first stops renewing (after the lease
 * expires) or releases it (at once); Lease fields are written as upstream.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { RestClient } from '../../src/client/rest-client.js';
import { RESOURCES } from '../../src/client/resource.js';
import { LeaderElector, microTime } from '../../src/client/leader-election.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { eventually } from '../harness/kubectl.js';

let server: RunningServer;
let client: RestClient;

before(async () => {
  server = await startServer();
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'le-test' });
});
after(async () => {
  client?.close();
  await server?.stop();
});

const FAST = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 250 };

function candidate(identity: string, name: string, log: string[], opts: { releaseOnCancel?: boolean } = {}): LeaderElector {
  return new LeaderElector({
    client, namespace: 'default', name, identity, ...FAST, ...opts,
    onStartedLeading: () => { log.push(`${identity} started`); },
    onStoppedLeading: () => { log.push(`${identity} stopped`); },
  });
}

test('microTime has six fractional digits', () => {
  assert.equal(microTime(Date.UTC(2024, 0, 2, 3, 4, 5)), '2024-01-02T03:04:05.000000Z');
});

test('one of two candidates leads; the other takes over after the leader stops renewing', async () => {
  const log: string[] = [];
  const a = candidate('a', 'lock-1', log, { releaseOnCancel: false });
  const b = candidate('b', 'lock-1', log);
  void a.run();
  await eventually(() => a.isLeader(), 5000, 'a leads');
  void b.run();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(b.isLeader(), false, 'b waits while a renews');
  assert.equal(b.leader, 'a');
  const lease = await client.get<Lease>(RESOURCES.leases, 'lock-1', { namespace: 'default' });
  assert.equal(lease.spec?.holderIdentity, 'a');
  assert.equal(lease.spec?.leaseDurationSeconds, 3);
  assert.match(lease.spec?.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.equal(lease.spec?.leaseTransitions, 0);

  const stoppedAt = Date.now();
  await a.stop(); // crash-like: no release
  await eventually(() => b.isLeader(), 8000, 'b takes over');
  const waited = Date.now() - stoppedAt;
  assert.ok(waited >= 1500, `b waited for the lease to expire (${waited} ms)`);
  const after = await client.get<Lease>(RESOURCES.leases, 'lock-1', { namespace: 'default' });
  assert.equal(after.spec?.holderIdentity, 'b');
  assert.equal(after.spec?.leaseTransitions, 1);
  assert.deepEqual(log, ['a started', 'a stopped', 'b started']);
  await b.stop();
  assert.deepEqual(log.slice(-1), ['b stopped']);
  const released = await client.get<Lease>(RESOURCES.leases, 'lock-1', { namespace: 'default' });
  assert.equal(released.spec?.holderIdentity ?? '', '', 'released on stop');
});

test('a released lease is taken over at once', async () => {
  const log: string[] = [];
  const a = candidate('a', 'lock-2', log);
  const b = candidate('b', 'lock-2', log);
  void a.run();
  await eventually(() => a.isLeader(), 5000, 'a leads');
  void b.run();
  await new Promise((r) => setTimeout(r, 500));
  const t = Date.now();
  await a.stop();
  await eventually(() => b.isLeader(), 3000, 'b takes over');
  assert.ok(Date.now() - t < 1500, 'no wait for expiry');
  await b.stop();
});

test('a leader that cannot renew within renewDeadline stops leading', async () => {
  const log: string[] = [];
  const a = candidate('a', 'lock-3', log, { releaseOnCancel: false });
  void a.run();
  await eventually(() => a.isLeader(), 5000, 'a leads');
  // Someone else force-takes the lease: a's renewals now fail (held by another, not expired).
  const lease = await client.get<Lease>(RESOURCES.leases, 'lock-3', { namespace: 'default' });
  const now = microTime(Date.now());
  await client.update(RESOURCES.leases, { ...lease, spec: { ...lease.spec, holderIdentity: 'intruder', renewTime: now, leaseDurationSeconds: 30 } });
  await eventually(() => !a.isLeader(), 5000, 'a stops leading');
  assert.deepEqual(log, ['a started', 'a stopped']);
  await a.stop();
});
