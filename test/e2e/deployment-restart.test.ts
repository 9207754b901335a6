/**
 * A rollout survives the control plane being killed (SIGKILL) in the
 * middle: after a restart on the same data directory the Deployment
 * converges to exactly spec.replicas pods of the new template, every pod
 * owned by one of its ReplicaSets. (A small version of the chaos test.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { startFakeCluster, type FakeCluster } from '../harness/fake-cluster.js';
import { eventually } from '../harness/kubectl.js';
import { RESOURCES, RestClient } from '../../src/client/index.js';

test('a Deployment converges after the server is killed mid-rollout', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-deploy-restart-'));
  let server: RunningServer | undefined;
  let cluster: FakeCluster | undefined;
  let client: RestClient | undefined;
  const up = async (): Promise<RestClient> => {
    server = await startServer({ dataDir, args: ['--disable-scheduler'] });
    cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: 3 });
    client = RestClient.fromKubeconfig(server.kubeconfig);
    return client;
  };
  const down = async (): Promise<void> => {
    client?.close();
    await cluster?.stop();
    await server?.kill();
  };
  try {
    let c = await up();
    const d: Deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'chaos', namespace: 'default' },
      spec: {
        replicas: 30, selector: { matchLabels: { app: 'chaos' } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } },
        template: { metadata: { labels: { app: 'chaos' } }, spec: { containers: [{ name: 'c', image: 'v1' }] } },
      },
    };
    await c.create(RESOURCES.deployments, d, { namespace: 'default' });
    await eventually(async () => (await c.get<Deployment>(RESOURCES.deployments, 'chaos', { namespace: 'default' })).status?.availableReplicas === 30, 60_000, '30 available');
    // One kill per rollout; each restart waits out the old leader's Lease (15 s), so two rollouts keep the file near 40 s.
    for (const image of ['v2']) {
      await c.patch(RESOURCES.deployments, 'chaos', { spec: { template: { spec: { containers: [{ name: 'c', image }] } } } }, { namespace: 'default', type: 'strategic' });
      // Kill once the rollout is under way.
      await eventually(async () => (await c.list<Pod>(RESOURCES.pods, { namespace: 'default', labelSelector: 'app=chaos' })).items
        .some((p) => p.spec!.containers[0]!.image === image), 30_000, `first ${image} pod`);
      await down();
      c = await up();
    }
    const converged = await eventually(async () => {
      const dep = await c.get<Deployment>(RESOURCES.deployments, 'chaos', { namespace: 'default' });
      const pods = (await c.list<Pod>(RESOURCES.pods, { namespace: 'default' })).items;
      const ok = dep.status?.observedGeneration === dep.metadata?.generation && dep.status?.updatedReplicas === 30
        && dep.status?.availableReplicas === 30 && dep.status?.replicas === 30 && pods.length === 30;
      return ok ? pods : undefined;
    }, 90_000, 'converged on 30 v2 pods');
    assert.deepEqual([...new Set(converged!.map((p) => p.spec!.containers[0]!.image))], ['v2']);
    const rss = (await c.list<ReplicaSet>(RESOURCES.replicasets, { namespace: 'default' })).items;
    const uids = new Set(rss.map((rs) => rs.metadata!.uid));
    for (const p of converged!) {
      const ref = p.metadata!.ownerReferences?.find((r) => r.controller);
      assert.ok(ref && uids.has(ref.uid), `${p.metadata!.name} is owned by a ReplicaSet of the Deployment`);
    }
    assert.equal(rss.length, 2);
    assert.deepEqual(rss.map((rs) => rs.spec!.replicas).sort((a, b) => a! - b!), [0, 30]);
  } finally {
    await down();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
