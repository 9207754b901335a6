/**
 * `kubectl delete --cascade=background|foreground|orphan` against a running
 * `k8ts server`, whose garbage collector acts on the owner references.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../harness/server.js';
import { RawClient } from '../harness/raw-client.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';

const bin = findKubectl(35);
let server: RunningServer;
let api: RawClient;

before(async () => {
  server = await startServer();
  api = new RawClient(server.kubeconfig);
});
after(async () => { api?.close(); await server?.stop(); });

async function family(owner: string): Promise<void> {
  const o = await api.json<{ metadata: { uid: string } }>('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: owner } });
  for (const i of [1, 2]) {
    const r = await api.json('POST', '/api/v1/namespaces/default/configmaps', {
      metadata: { name: `${owner}-child-${i}`, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner, uid: o.body.metadata.uid, blockOwnerDeletion: true }] },
    });
    assert.equal(r.status, 201);
  }
}

const exists = async (name: string): Promise<boolean> => (await api.json('GET', `/api/v1/namespaces/default/configmaps/${name}`)).status === 200;

test('cascade background, foreground and orphan', { skip: bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}` }, async () => {
  const k = new Kubectl(bin.path!, server.kubeconfig);
  await family('bg');
  k.ok(['delete', 'configmap', 'bg', '--cascade=background']);
  await eventually(async () => !(await exists('bg-child-1')) && !(await exists('bg-child-2')), 30_000, 'background dependents gone');

  await family('fg');
  k.ok(['delete', 'configmap', 'fg', '--cascade=foreground', '--timeout=30s']);
  assert.equal(await exists('fg'), false);
  assert.equal(await exists('fg-child-1'), false, 'foreground: dependents go before the owner');

  await family('or');
  k.ok(['delete', 'configmap', 'or', '--cascade=orphan', '--timeout=30s']);
  assert.equal(await exists('or'), false);
  const child = await api.json<{ metadata: { ownerReferences?: unknown[] } }>('GET', '/api/v1/namespaces/default/configmaps/or-child-1');
  assert.equal(child.status, 200);
  assert.equal(child.body.metadata.ownerReferences, undefined);
});
