/**
 * The node IPAM controller in the test process against a real k8ts API
 * server (no other controllers), with a /22 cluster CIDR (four /24 node
 * CIDRs): nodes get the next free CIDR and kubectl 1.35 reads it back; a
 * node registered with a podCIDR keeps it and that CIDR is never handed out
 * again, one outside the cluster CIDR is left alone; a restarted controller
 * keeps every assignment; a full range records CIDRNotAvailable on the Node
 * and the node gets the CIDR a deleted node gave back.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Node } from 'kubernetes-types/core/v1.js';
import { createLogger } from '../../src/api/log.js';
import { EventRecorder, InformerFactory, RESOURCES, RestClient } from '../../src/client/index.js';
import { nodeIpamParams, startNodeIpamController } from '../../src/controllers/nodeipam/index.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';
import { startServer, type RunningServer } from '../harness/server.js';

const kubectlBin = findKubectl(35);
if (!kubectlBin.path) console.log(`# kubectl read-back skipped: ${kubectlBin.reason}`);

let server: RunningServer;
let client: RestClient;
let running: { informers: InformerFactory; controller: { stop(): Promise<void> } } | undefined;
const params = nodeIpamParams({ clusterCIDR: '10.99.0.0/22', nodeCIDRMaskSize: 0, nodeCIDRMaskSizeIPv4: 0, nodeCIDRMaskSizeIPv6: 0, serviceCIDR: '' });

function startIpam(p = params): void {
  const informers = new InformerFactory(RestClient.fromKubeconfig(server.kubeconfig, { component: 'nodeipam-test-informers' }));
  const controller = startNodeIpamController({
    client, informers, params: p, logger: createLogger('node-ipam-controller', { level: process.env['NODEIPAM_TEST_LOG'] ?? 'warn' }),
    recorder: new EventRecorder({ client, component: 'cidrAllocator' }),
  });
  informers.start();
  running = { informers, controller };
}

async function stopIpam(): Promise<void> {
  await running?.controller.stop();
  await running?.informers.stop();
  running = undefined;
}

const node = (name: string, podCIDR?: string): Node => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name }, ...(podCIDR ? { spec: { podCIDR, podCIDRs: [podCIDR] } } : {}),
});

async function podCIDROf(name: string, ms = 15_000): Promise<string> {
  return await eventually(async () => (await client.get<Node>(RESOURCES.nodes, name)).spec?.podCIDR, ms, `podCIDR of ${name}`) as string;
}

/** name=podCIDR per node, as kubectl 1.35 prints them (the API when kubectl is missing). */
async function readBack(): Promise<Record<string, string>> {
  let lines: string[];
  if (kubectlBin.path) {
    const out = new Kubectl(kubectlBin.path, server.kubeconfig).ok(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.podCIDR}|{.spec.podCIDRs[*]}{"\\n"}{end}']);
    lines = out.trim().split('\n');
  } else {
    lines = (await client.list<Node>(RESOURCES.nodes)).items.map((n) => `${n.metadata!.name}=${n.spec?.podCIDR ?? ''}|${(n.spec?.podCIDRs ?? []).join(' ')}`);
  }
  const out: Record<string, string> = {};
  for (const l of lines) {
    const [name, rest] = l.split('=') as [string, string];
    const [single, list] = rest.split('|') as [string, string];
    assert.equal(list, single, `${name}: spec.podCIDRs is [spec.podCIDR]`);
    out[name] = single;
  }
  return out;
}

before(async () => {
  server = await startServer({ args: ['--disable-controllers'], datastore: 'memory' });
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'nodeipam-test' });
  // Registered with podCIDRs before the controller starts: one inside the cluster CIDR, one outside.
  await client.create(RESOURCES.nodes, node('pre', '10.99.1.0/24'));
  await client.create(RESOURCES.nodes, node('outside', '192.168.5.0/24'));
  startIpam();
});

after(async () => {
  await stopIpam();
  client?.close();
  await server?.stop();
});

test('nodes get the lowest free /24 in turn, skipping one a node already had; kubectl reads spec.podCIDR back', { timeout: 60_000 }, async () => {
  await client.create(RESOURCES.nodes, node('a'));
  assert.equal(await podCIDROf('a'), '10.99.0.0/24');
  await client.create(RESOURCES.nodes, node('b'));
  assert.equal(await podCIDROf('b'), '10.99.2.0/24', '10.99.1.0/24 is pre\'s');
  assert.deepEqual(await readBack(), { a: '10.99.0.0/24', b: '10.99.2.0/24', pre: '10.99.1.0/24', outside: '192.168.5.0/24' });
});

test('a restarted controller keeps every assignment and hands out only the free CIDR', { timeout: 60_000 }, async () => {
  await stopIpam();
  startIpam();
  await client.create(RESOURCES.nodes, node('c'));
  assert.equal(await podCIDROf('c'), '10.99.3.0/24');
  assert.deepEqual(await readBack(), { a: '10.99.0.0/24', b: '10.99.2.0/24', c: '10.99.3.0/24', pre: '10.99.1.0/24', outside: '192.168.5.0/24' });
});

test('a full range: CIDRNotAvailable on the Node, and the CIDR of a deleted node goes to it', { timeout: 60_000 }, async () => {
  const d = await client.create<Node>(RESOURCES.nodes, node('d'));
  const ev = await eventually(async () => {
    const list = await client.list<Event>(RESOURCES.events, { namespace: 'default' });
    return list.items.find((e) => e.involvedObject.kind === 'Node' && e.involvedObject.name === 'd' && e.reason === 'CIDRNotAvailable');
  }, 15_000, 'CIDRNotAvailable event on node d') as Event;
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.message, 'Node d status is now: CIDRNotAvailable');
  assert.equal(ev.source?.component, 'cidrAllocator');
  assert.equal(ev.involvedObject.uid, d.metadata!.uid);
  assert.equal((await client.get<Node>(RESOURCES.nodes, 'd')).spec?.podCIDR, undefined);

  await client.delete(RESOURCES.nodes, 'b');
  assert.equal(await podCIDROf('d'), '10.99.2.0/24', 'b\'s CIDR, released on delete');
  const final = await readBack();
  assert.deepEqual(final, { a: '10.99.0.0/24', c: '10.99.3.0/24', d: '10.99.2.0/24', pre: '10.99.1.0/24', outside: '192.168.5.0/24' });
});

test('dual-stack: a node gets one CIDR of each family, in --cluster-cidr order, patched as podCIDR + podCIDRs', { timeout: 60_000 }, async () => {
  await stopIpam();
  startIpam(nodeIpamParams({ clusterCIDR: '10.98.0.0/16,fd00:98::/56', nodeCIDRMaskSize: 0, nodeCIDRMaskSizeIPv4: 25, nodeCIDRMaskSizeIPv6: 0, serviceCIDR: '' }));
  await client.create(RESOURCES.nodes, node('ds'));
  assert.equal(await podCIDROf('ds'), '10.98.0.0/25');
  assert.deepEqual((await client.get<Node>(RESOURCES.nodes, 'ds')).spec?.podCIDRs, ['10.98.0.0/25', 'fd00:98::/64']);
});
