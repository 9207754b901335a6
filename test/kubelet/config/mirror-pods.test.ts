/**
 * MirrorPods against a real `k8ts server`: a mirror pod is created only
 * once the Node exists, carries the hash and the Node ownerReference, is
 * kept while it matches, replaced when it is being deleted or stale, and
 * deleted as an orphan; an API pod that is not a mirror is left alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { RESOURCES, RestClient, loadKubeconfig } from '../../../src/client/index.js';
import { CONFIG_MIRROR_ANNOTATION, MirrorPods, decodeManifest } from '../../../src/kubelet/index.js';
import { startServer } from '../../harness/server.js';
import { capturingLogger } from './log-lines.js';

const manifest = (arg: string): string =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: m, namespace: default}\nspec:\n  containers: [{name: c, image: "busybox:1", args: ["${arg}"]}]\n`;

test('mirror pods: create, keep, replace, delete', { timeout: 60_000 }, async () => {
  const server = await startServer({ datastore: 'memory' });
  const client = new RestClient(loadKubeconfig(server.kubeconfig), { component: 'kubelet' });
  try {
    const { logger, lines } = capturingLogger();
    const mirrors = new MirrorPods({ client, nodeName: 'n1', logger });
    const [v1] = decodeManifest(manifest('1'), { nodeName: 'n1', kind: 'file', source: '/m.yaml' });
    const [v2] = decodeManifest(manifest('2'), { nodeName: 'n1', kind: 'file', source: '/m.yaml' });
    const get = (): Promise<Pod | undefined> => client.get<Pod>(RESOURCES.pods, 'm-n1', { namespace: 'default' }).catch(() => undefined);

    assert.equal(await mirrors.sync(v1!, undefined), undefined, 'no mirror pod before the Node exists');
    assert.equal(await get(), undefined);

    const node = await client.create<Node>(RESOURCES.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    const created = await mirrors.sync(v1!, undefined);
    assert.ok(created?.metadata?.uid);
    assert.notEqual(created.metadata.uid, v1!.metadata?.uid);
    assert.equal(created.metadata.annotations?.[CONFIG_MIRROR_ANNOTATION], v1!.metadata?.uid);
    assert.deepEqual(created.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: node.metadata?.uid, controller: true }]);

    assert.equal((await mirrors.sync(v1!, created))?.metadata?.uid, created.metadata.uid, 'a matching mirror is kept');
    assert.equal((await mirrors.sync(v1!, undefined))?.metadata?.uid, created.metadata.uid, 'an informer that lags: the existing mirror is found, not duplicated');

    const replaced = await mirrors.sync(v2!, created);
    assert.notEqual(replaced?.metadata?.uid, created.metadata.uid);
    assert.equal(replaced?.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION], v2!.metadata?.uid);
    assert.equal((await get())?.metadata?.uid, replaced?.metadata?.uid);

    const deleting = { ...replaced!, metadata: { ...replaced!.metadata, deletionTimestamp: new Date().toISOString() } };
    const again = await mirrors.sync(v2!, deleting);
    assert.ok(again?.metadata?.uid && again.metadata.uid !== replaced?.metadata?.uid, 'a mirror being deleted is replaced');

    await mirrors.deleteOrphan(again);
    assert.equal(await get(), undefined);
    await mirrors.deleteOrphan(again);

    const plain = await client.create<Pod>(RESOURCES.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'm-n1', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
    assert.equal(await mirrors.sync(v1!, plain), undefined, 'an API pod holding the name is not a mirror: left alone');
    assert.equal(await mirrors.sync(v1!, plain), undefined);
    assert.equal(lines().filter((l) => /not a mirror pod holds/.test(String(l['msg']))).length, 1, 'warned once, not every sync');
    assert.equal((await get())?.metadata?.uid, plain.metadata?.uid);
  } finally {
    client.close();
    await server.stop();
  }
});
