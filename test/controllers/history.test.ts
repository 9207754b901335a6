/** ControllerRevision helpers: names, template patches, ordering, creation with name collisions. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import { RESOURCES, RestClient } from '../../src/client/index.js';
import {
  controllerRevisionName, createControllerRevision, newControllerRevision, nextRevision, sortRevisions, templateOfRevision, templatePatch,
} from '../../src/controllers/history/index.js';
import { startServer, type RunningServer } from '../harness/server.js';

test('a revision stores a replacing template patch and restores the template', () => {
  const template = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } };
  const patch = templatePatch(template);
  assert.deepEqual(patch, { spec: { template: { ...template, $patch: 'replace' } } });
  const owner = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'a', namespace: 'ns', uid: 'u1', annotations: { 'kubernetes.io/change-cause': 'why' } } };
  const rev = newControllerRevision(owner, patch, 4, { apiVersion: 'apps/v1', kind: 'DaemonSet', templateLabels: { app: 'a' }, annotations: owner.metadata.annotations });
  assert.deepEqual(templateOfRevision(rev), template);
  assert.equal(rev.revision, 4);
  assert.match(rev.metadata!.name!, /^a-[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(rev.metadata!.labels!['controller-revision-hash'], rev.metadata!.name!.slice(2));
  assert.equal(rev.metadata!.annotations!['kubernetes.io/change-cause'], 'why');
  assert.deepEqual(rev.metadata!.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'a', uid: 'u1', controller: true, blockOwnerDeletion: true }]);
  assert.equal(controllerRevisionName('x'.repeat(300), 'h').length, 225);
  const r = (name: string, revision: number): ControllerRevision => ({ metadata: { name }, revision });
  assert.deepEqual(sortRevisions([r('b', 2), r('c', 1), r('a', 2)]).map((x) => x.metadata!.name), ['c', 'a', 'b']);
  assert.equal(nextRevision([r('b', 2), r('c', 7)]), 8);
  assert.equal(nextRevision([]), 1);
});

let server: RunningServer;
let client: RestClient;
before(async () => {
  server = await startServer({ args: ['--disable-controllers'], datastore: 'memory' });
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'history-test' });
});
after(async () => { client?.close(); await server?.stop(); });

test('creation returns an equal revision that holds the name, and bumps the collision count for a different one', async () => {
  const owner = await client.create<ConfigMap>(RESOURCES.configmaps, { metadata: { name: 'owner', namespace: 'default' } }, { namespace: 'default' });
  const rev = newControllerRevision(owner, templatePatch({ spec: { containers: [{ name: 'c', image: 'x:1' }] } }), 1, { apiVersion: 'v1', kind: 'ConfigMap' });
  const first = await createControllerRevision(client, owner, rev);
  assert.equal(first.collisionCount, 0);
  const again = await createControllerRevision(client, owner, rev);
  assert.equal(again.revision.metadata!.uid, first.revision.metadata!.uid);
  // Someone else's data under the name this revision would get.
  const other = { ...rev, data: templatePatch({ spec: { containers: [{ name: 'c', image: 'x:2' }] } }) };
  await client.delete(RESOURCES.controllerrevisions, first.revision.metadata!.name!, { namespace: 'default' });
  await client.create(RESOURCES.controllerrevisions, { ...other, metadata: { ...rev.metadata, name: first.revision.metadata!.name } }, { namespace: 'default' });
  const bumped = await createControllerRevision(client, owner, rev);
  assert.equal(bumped.collisionCount, 1);
  assert.notEqual(bumped.revision.metadata!.name, first.revision.metadata!.name);
  assert.equal(bumped.revision.metadata!.labels!['controller-revision-hash'], bumped.revision.metadata!.name!.slice('owner-'.length));
});
