/**
 * The end of a pod's graceful deletion: the node confirms it (a kubelet or a
 * simulated node deletes it with grace 0). The API server ends it by itself
 * only for a pod whose node does not exist (upstream's podgc orphan rule);
 * a pod on an existing node whose kubelet never confirms stays Terminating,
 * as upstream.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { RestClient } from '../../src/client/rest-client.js';
import { RESOURCES } from '../../src/client/resource.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { eventually } from '../harness/kubectl.js';

let server: RunningServer;
let client: RestClient;

before(async () => {
  server = await startServer({ args: ['--disable-controllers'] });
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'pod-termination-test' });
});
after(async () => {
  client?.close();
  await server?.stop();
});

const pod = (name: string, nodeName: string): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName, containers: [{ name: 'c', image: 'x' }] },
});
const podOrUndefined = async (name: string): Promise<Pod | undefined> => {
  try { return await client.get<Pod>(RESOURCES.pods, name, { namespace: 'default' }); } catch (e) { if ((e as { code?: number }).code === 404) return undefined; throw e; }
};

test('past its grace period a pod of a missing node is removed; one of an existing node waits for its kubelet', { timeout: 30_000 }, async () => {
  await client.create(RESOURCES.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'present' } });
  await client.create(RESOURCES.pods, pod('on-present', 'present'));
  await client.create(RESOURCES.pods, pod('on-absent', 'absent'));
  for (const n of ['on-present', 'on-absent']) await client.delete(RESOURCES.pods, n, { namespace: 'default', gracePeriodSeconds: 1 });
  await eventually(async () => !(await podOrUndefined('on-absent')), 10_000, 'on-absent gone');
  // Well past its grace period (and several sweeps), the pod of the existing node is still Terminating.
  await new Promise((r) => setTimeout(r, 2500));
  const waiting = await podOrUndefined('on-present');
  assert.ok(waiting?.metadata?.deletionTimestamp, 'on-present still there, marked for deletion');
  assert.ok(Date.parse(waiting.metadata.deletionTimestamp) < Date.now());
  // The kubelet's confirmation ends it.
  await client.delete(RESOURCES.pods, 'on-present', { namespace: 'default', gracePeriodSeconds: 0, preconditions: { uid: waiting.metadata.uid! } });
  assert.equal(await podOrUndefined('on-present'), undefined);
});
