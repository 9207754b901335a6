/**
 * The kubelet's wait for its Node's podCIDRs, against a real API server:
 * pending while the Node has none (or does not exist yet), resolved with
 * spec.podCIDRs once they are set, rejected when aborted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from 'kubernetes-types/core/v1.js';
import { createLogger } from '../../src/api/log.js';
import { RESOURCES, RestClient } from '../../src/client/index.js';
import { podCIDRsOf, waitForPodCIDRs } from '../../src/kubelet/network/node-pod-cidrs.js';
import { startServer, type RunningServer } from '../harness/server.js';

let server: RunningServer;
let client: RestClient;
const logger = createLogger('node-pod-cidrs-test', { level: 'warn' });

before(async () => {
  server = await startServer({ args: ['--disable-controllers'], datastore: 'memory' });
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'node-pod-cidrs-test' });
});
after(async () => {
  client?.close();
  await server?.stop();
});

const settled = async (p: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([p.then(() => true, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

test('resolves with spec.podCIDRs once set on the Node, not before (the Node created after the wait began)', async () => {
  const wait = waitForPodCIDRs({ client, nodeName: 'w1', logger, signal: new AbortController().signal });
  assert.equal(await settled(wait, 500), false, 'no Node yet');
  await client.create<Node>(RESOURCES.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'w1' } });
  await client.create<Node>(RESOURCES.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'other' }, spec: { podCIDR: '10.1.0.0/24' } });
  assert.equal(await settled(wait, 700), false, 'a Node without podCIDRs, and another Node with them');
  await client.patch(RESOURCES.nodes, 'w1', { spec: { podCIDR: '10.42.7.0/24', podCIDRs: ['10.42.7.0/24', 'fd00:42:7::/64'] } }, { type: 'strategic' });
  assert.deepEqual(await wait, ['10.42.7.0/24', 'fd00:42:7::/64']);
  assert.deepEqual(await waitForPodCIDRs({ client, nodeName: 'w1', logger, signal: new AbortController().signal }), ['10.42.7.0/24', 'fd00:42:7::/64'], 'at once when already set');
});

test('rejects when aborted', async () => {
  const ac = new AbortController();
  const wait = waitForPodCIDRs({ client, nodeName: 'never', logger, signal: ac.signal });
  ac.abort(new Error('agent stopping'));
  await assert.rejects(wait, /agent stopping/);
});

test('podCIDRsOf: podCIDRs, else podCIDR alone, else none', () => {
  assert.deepEqual(podCIDRsOf({ spec: { podCIDR: '10.0.0.0/24' } }), ['10.0.0.0/24']);
  assert.deepEqual(podCIDRsOf({ spec: {} }), []);
  assert.deepEqual(podCIDRsOf(undefined), []);
});
