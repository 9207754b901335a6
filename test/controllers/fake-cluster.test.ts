/** The controller tests' stand-in cluster does what they rely on. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { startServer } from '../harness/server.js';
import { startFakeCluster } from '../harness/fake-cluster.js';
import { RESOURCES } from '../../src/client/index.js';

async function until<T>(fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('fake cluster binds, runs, finishes and confirms deletion of pods', async () => {
  const server = await startServer({ args: ['--disable-controllers'] });
  const cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: 2, finishAfterMs: 100 });
  try {
    const c = cluster.client;
    const mk = (name: string, restartPolicy: string, fail = false): Pod => ({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, namespace: 'default', ...(fail ? { annotations: { 'sim.k8ts.io/fail': 'true' } } : {}) },
      spec: { restartPolicy, containers: [{ name: 'c', image: 'busybox' }] },
    });
    await c.create(RESOURCES.pods, mk('web', 'Always'));
    await c.create(RESOURCES.pods, mk('ok', 'Never'));
    await c.create(RESOURCES.pods, mk('bad', 'Never', true));
    const web = await until(async () => {
      const p = await c.get<Pod>(RESOURCES.pods, 'web', { namespace: 'default' });
      return p.status?.phase === 'Running' ? p : undefined;
    });
    assert.ok(cluster.nodes.includes(web.spec!.nodeName!));
    assert.match(web.status!.podIP!, /^10\.42\./);
    for (const [name, phase] of [['ok', 'Succeeded'], ['bad', 'Failed']] as const) {
      await until(async () => ((await c.get<Pod>(RESOURCES.pods, name, { namespace: 'default' })).status?.phase === phase ? true : undefined));
    }
    const lease = await c.get<{ spec?: { holderIdentity?: string; renewTime?: string } } & import('../../src/client/index.js').ApiObject>(RESOURCES.leases, cluster.nodes[0]!, { namespace: 'kube-node-lease' });
    assert.equal(lease.spec?.holderIdentity, cluster.nodes[0]);
    assert.ok(Date.now() - Date.parse(lease.spec!.renewTime!) < 30_000, 'Lease renewed recently');
    await c.delete(RESOURCES.pods, 'web', { namespace: 'default' });
    await until(async () => c.get(RESOURCES.pods, 'web', { namespace: 'default' }).then(() => undefined, (e: { code?: number }) => (e.code === 404 ? true : undefined)));
  } finally {
    await cluster.stop();
    await server.stop();
  }
});
