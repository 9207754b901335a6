/** Expectations, hashes and claiming, shared by the workload controllers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import { ControllerExpectations, computeHash, claimObjects, getControllerOf, recheckOwner } from '../../src/controllers/shared/index.js';
import { RESOURCES, RestClient } from '../../src/client/index.js';
import { startServer } from '../harness/server.js';

test('expectations hold a key until every creation and deletion is observed, or they expire', () => {
  let now = 0;
  const e = new ControllerExpectations({ ttlMs: 1000, now: () => now });
  assert.ok(e.satisfied('a'));
  e.expectCreations('a', 2);
  assert.ok(!e.satisfied('a'));
  e.creationObserved('a');
  assert.ok(!e.satisfied('a'));
  e.creationObserved('a');
  assert.ok(e.satisfied('a'));
  e.expectDeletions('a', ['u1', 'u2']);
  e.deletionObserved('a', 'u1');
  e.deletionObserved('a', 'other');
  assert.ok(!e.satisfied('a'));
  now = 1001;
  assert.ok(e.satisfied('a'), 'expired');
  now = 0;
  e.expectCreations('b', 1);
  e.delete('b');
  assert.ok(e.satisfied('b'));
});

test('template hashes are stable, key-order independent and change with the template or collision count', () => {
  const a = computeHash({ metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
  const b = computeHash({ spec: { containers: [{ image: 'i', name: 'c' }] }, metadata: { labels: { app: 'x' } } });
  assert.equal(a, b);
  assert.match(a, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.notEqual(a, computeHash({ metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'j' }] } }));
  assert.notEqual(a, computeHash({ metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, 1));
});

test('claiming adopts matching orphans, keeps owned matches, releases owned non-matches, skips others', async () => {
  const server = await startServer({ args: ['--disable-controllers'] });
  const client = RestClient.fromKubeconfig(server.kubeconfig);
  try {
    const owner = await client.create<ConfigMap>(RESOURCES.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner', namespace: 'default' } });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid!, controller: true };
    const mk = (name: string, labels: Record<string, string>, ownerReferences?: object[]): Promise<ConfigMap> =>
      client.create<ConfigMap>(RESOURCES.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels, ...(ownerReferences ? { ownerReferences } : {}) } } as ConfigMap);
    const orphan = await mk('orphan', { app: 'x' });
    const kept = await mk('kept', { app: 'x' }, [ref]);
    const released = await mk('released', { app: 'y' }, [ref]);
    const foreign = await mk('foreign', { app: 'x' }, [{ ...ref, name: 'other', uid: 'someone-else' }]);
    const unrelated = await mk('unrelated', { app: 'y' });
    const claimed = await claimObjects<ConfigMap>([orphan, kept, released, foreign, unrelated], {
      client, resource: RESOURCES.configmaps, owner, ownerApiVersion: 'v1', ownerKind: 'ConfigMap',
      matches: (o) => o.metadata?.labels?.['app'] === 'x',
      canAdopt: recheckOwner(client, RESOURCES.configmaps, owner),
    });
    assert.deepEqual(claimed.map((o) => o.metadata!.name).sort(), ['kept', 'orphan']);
    const get = (n: string): Promise<ConfigMap> => client.get<ConfigMap>(RESOURCES.configmaps, n, { namespace: 'default' });
    assert.equal(getControllerOf(await get('orphan'))?.uid, owner.metadata!.uid);
    assert.equal(getControllerOf(await get('released')), undefined);
    assert.equal(getControllerOf(await get('foreign'))?.uid, 'someone-else');
    assert.equal(getControllerOf(await get('unrelated')), undefined);
  } finally {
    client.close();
    await server.stop();
  }
});
