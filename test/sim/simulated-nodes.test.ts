/**
 * Simulated nodes against a real API server (no scheduler, and of the
 * controllers only the node IPAM one, which gives the nodes their podCIDRs:
 * the test binds pods itself through pods/binding): registration, Lease
 * heartbeats, pod stages with IPs from the node's podCIDR, stopping a node
 * by annotation and by handle, and adoption of existing nodes on restart.
 * Without the controller, a node has no podCIDR and its pods wait for one.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { createLogger } from '../../src/api/log.js';
import { RESOURCES, RestClient } from '../../src/client/index.js';
import { defaultPodStages, startSimulatedNodes, type SimulatedNodes } from '../../src/sim/index.js';
import { cidrContains, parseIpv4Cidr } from '../../src/sim/cidr.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { eventually } from '../harness/kubectl.js';

const HEARTBEAT_MS = 300;
const NS = 'default';

describe('simulated nodes', () => {
  let server: RunningServer;
  let client: RestClient;
  let sim: SimulatedNodes;

  before(async () => {
    server = await startServer({ datastore: 'memory', args: ['--controllers', 'node-ipam-controller', '--disable-scheduler', '--cluster-cidr', '10.128.0.0/16'] });
    client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'sim-test' });
    sim = await startSimulatedNodes({
      client, count: 3, heartbeatIntervalMs: HEARTBEAT_MS, logger: createLogger('sim-test', { level: 'warn' }),
      labels: { 'example.com/pool': 'blue' }, capacity: { cpu: '16' },
      stages: defaultPodStages({ completeAfterMs: 200 }),
    });
  });

  after(async () => {
    await sim?.stop();
    client?.close();
    await server?.stop();
  });

  const getPod = (name: string): Promise<Pod> => client.get<Pod>(RESOURCES.pods, name, { namespace: NS });
  const getLease = (name: string): Promise<Lease> => client.get<Lease>(RESOURCES.leases, name, { namespace: 'kube-node-lease' });
  const renewTime = async (name: string): Promise<string> => String((await getLease(name)).spec?.renewTime);

  async function createBoundPod(name: string, node: string, opts: { restartPolicy?: string; fail?: boolean; hostNetwork?: boolean } = {}): Promise<void> {
    await client.create<Pod>(RESOURCES.pods, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name, namespace: NS, ...(opts.fail ? { annotations: { 'sim.k8ts.io/fail': 'true' } } : {}) },
      spec: {
        restartPolicy: opts.restartPolicy ?? 'Always', hostNetwork: opts.hostNetwork ?? false,
        containers: [{ name: 'main', image: 'busybox' }, { name: 'side', image: 'envoy' }],
      },
    });
    await client.request('POST', `/api/v1/namespaces/${NS}/pods/${name}/binding`, {
      body: { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: NS }, target: { apiVersion: 'v1', kind: 'Node', name: node } },
    });
  }

  async function phaseOf(name: string, phase: string): Promise<Pod> {
    return eventually(async () => { const p = await getPod(name); return p.status?.phase === phase ? p : undefined; }, 10_000, `${name} ${phase}`) as Promise<Pod>;
  }

  test('registers nodes with labels, capacity, addresses and Ready; the controller gives them podCIDRs', async () => {
    assert.deepEqual(sim.nodes(), ['sim-node-0', 'sim-node-1', 'sim-node-2']);
    const list = await eventually(async () => {
      const l = await client.list<Node>(RESOURCES.nodes, { labelSelector: 'sim.k8ts.io/simulated=true' });
      return l.items.every((n) => n.spec?.podCIDR) ? l : undefined;
    }, 10_000, 'podCIDRs from the node IPAM controller') as { items: Node[] };
    assert.equal(list.items.length, 3);
    const cidrs = new Set<string>();
    for (const n of list.items) {
      const name = n.metadata!.name!;
      const l = n.metadata!.labels!;
      assert.equal(l['kubernetes.io/hostname'], name);
      assert.equal(l['kubernetes.io/os'], 'linux');
      assert.equal(l['kubernetes.io/arch'], 'amd64');
      assert.ok(l['node.kubernetes.io/instance-type']);
      assert.equal(l['example.com/pool'], 'blue');
      assert.deepEqual(n.status!.capacity, { cpu: '16', memory: '256Gi', pods: '110', 'ephemeral-storage': '1Ti' });
      assert.deepEqual(n.status!.allocatable, n.status!.capacity);
      assert.match(n.spec!.podCIDR!, /^10\.128\.[0-2]\.0\/24$/, 'one of the first three /24s of --cluster-cidr');
      assert.deepEqual(n.spec!.podCIDRs, [n.spec!.podCIDR]);
      cidrs.add(n.spec!.podCIDR!);
      const conds = Object.fromEntries(n.status!.conditions!.map((c) => [c.type, c]));
      assert.equal(conds['Ready']?.status, 'True');
      assert.equal(conds['Ready']?.reason, 'KubeletReady');
      for (const t of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) assert.equal(conds[t]?.status, 'False', t);
      assert.ok(n.status!.addresses!.some((a) => a.type === 'InternalIP'));
      assert.ok(n.status!.addresses!.some((a) => a.type === 'Hostname' && a.address === name));
      assert.match(n.status!.nodeInfo!.containerRuntimeVersion, /^sim:\/\//);
      assert.match(n.status!.nodeInfo!.kubeletVersion, /^v\d+\.\d+/);
      assert.equal(n.status!.daemonEndpoints?.kubeletEndpoint?.Port, 10250);
    }
    assert.equal(cidrs.size, 3, 'podCIDRs are distinct');
  });

  test('renews each node Lease in kube-node-lease', async () => {
    const lease = (await eventually(() => getLease('sim-node-0').catch(() => undefined), 5000, 'lease'))!;
    assert.equal(lease.spec?.holderIdentity, 'sim-node-0');
    assert.equal(lease.spec?.leaseDurationSeconds, 40);
    assert.equal(lease.metadata?.ownerReferences?.[0]?.kind, 'Node');
    const first = String(lease.spec?.renewTime);
    await eventually(async () => (await renewTime('sim-node-0')) > first, 5000, 'a later renewTime');
    assert.ok(sim.leaseRenewals('sim-node-0') >= 2);
  });

  test('bound pods run with an IP from the node podCIDR; Never pods succeed, annotated ones fail; deletions are confirmed', async () => {
    const node = await client.get<Node>(RESOURCES.nodes, 'sim-node-1');
    const cidr = parseIpv4Cidr(node.spec!.podCIDR!);
    const nodeIP = node.status!.addresses!.find((a) => a.type === 'InternalIP')!.address;
    await createBoundPod('web-a', 'sim-node-1');
    await createBoundPod('web-b', 'sim-node-1');
    await createBoundPod('host', 'sim-node-1', { hostNetwork: true });
    await createBoundPod('ok', 'sim-node-1', { restartPolicy: 'Never' });
    await createBoundPod('bad', 'sim-node-1', { restartPolicy: 'OnFailure', fail: true });

    const a = await phaseOf('web-a', 'Running');
    const b = await phaseOf('web-b', 'Running');
    for (const p of [a, b]) {
      assert.ok(cidrContains(cidr, p.status!.podIP!), `${p.status!.podIP} in ${node.spec!.podCIDR}`);
      assert.equal(p.status!.hostIP, nodeIP);
      assert.deepEqual(p.status!.podIPs, [{ ip: p.status!.podIP }]);
      assert.ok(p.status!.startTime);
      const conds = Object.fromEntries(p.status!.conditions!.map((c) => [c.type, c.status]));
      for (const t of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']) assert.equal(conds[t], 'True', t);
      assert.deepEqual(p.status!.containerStatuses!.map((c) => [c.name, c.ready, !!c.state?.running]), [['main', true, true], ['side', true, true]]);
    }
    assert.notEqual(a.status!.podIP, b.status!.podIP, 'pod IPs are unique on a node');
    const host = await phaseOf('host', 'Running');
    assert.equal(host.status!.podIP, nodeIP, 'a hostNetwork pod has the node IP');

    const ok = await phaseOf('ok', 'Succeeded');
    assert.deepEqual(ok.status!.containerStatuses!.map((c) => [c.state?.terminated?.exitCode, c.state?.terminated?.reason]), [[0, 'Completed'], [0, 'Completed']]);
    const bad = await phaseOf('bad', 'Failed');
    assert.deepEqual(bad.status!.containerStatuses!.map((c) => [c.state?.terminated?.exitCode, c.state?.terminated?.reason]), [[1, 'Error'], [1, 'Error']]);
    assert.equal(bad.status!.conditions!.find((c) => c.type === 'Ready')?.status, 'False');
    // A restartPolicy Always pod keeps running.
    assert.equal((await getPod('web-a')).status?.phase, 'Running');

    await client.delete(RESOURCES.pods, 'web-a', { namespace: NS });
    await eventually(() => getPod('web-a').then(() => false, (e: { code?: number }) => e.code === 404), 10_000, 'web-a deleted');
    // Its IP is free again: a new pod may get it, and never one in use.
    await createBoundPod('web-c', 'sim-node-1');
    const c = await phaseOf('web-c', 'Running');
    assert.notEqual(c.status!.podIP, b.status!.podIP);
  });

  test('a node annotated sim.k8ts.io/stopped=true stops renewing its Lease and handling pods; removing it resumes', async () => {
    const name = 'sim-node-2';
    await client.patch(RESOURCES.nodes, name, { metadata: { annotations: { 'sim.k8ts.io/stopped': 'true' } } });
    await eventually(() => sim.isStopped(name), 5000, 'node stopped');
    // A renewal in flight may still land: take the renewTime once a full interval has passed.
    await new Promise((r) => setTimeout(r, HEARTBEAT_MS * 2));
    const frozen = await renewTime(name);
    const renewalsFrozen = sim.leaseRenewals(name);
    await createBoundPod('on-stopped', name);
    await new Promise((r) => setTimeout(r, HEARTBEAT_MS * 5));
    assert.equal(await renewTime(name), frozen, 'no renewal while stopped');
    assert.equal(sim.leaseRenewals(name), renewalsFrozen);
    assert.equal((await getPod('on-stopped')).status?.phase, 'Pending', 'pods on a stopped node are left alone');
    // Other nodes keep renewing.
    const other = await renewTime('sim-node-0');
    await eventually(async () => (await renewTime('sim-node-0')) > other, 5000, 'sim-node-0 still renewing');

    await client.patch(RESOURCES.nodes, name, { metadata: { annotations: { 'sim.k8ts.io/stopped': null } } });
    await eventually(async () => (await renewTime(name)) > frozen, 5000, 'renewals resume');
    await phaseOf('on-stopped', 'Running');
  });

  test('stopNode and startNode on the handle', async () => {
    const name = 'sim-node-0';
    sim.stopNode(name);
    assert.equal(sim.isStopped(name), true);
    await new Promise((r) => setTimeout(r, HEARTBEAT_MS * 2));
    const frozen = await renewTime(name);
    await new Promise((r) => setTimeout(r, HEARTBEAT_MS * 4));
    assert.equal(await renewTime(name), frozen);
    sim.startNode(name);
    assert.equal(sim.isStopped(name), false);
    await eventually(async () => (await renewTime(name)) > frozen, 5000, 'renewals resume');
    assert.throws(() => sim.stopNode('not-ours'), /not simulated here/);
  });

  test('a restarted simulator adopts its nodes and keeps pod IPs unique', async () => {
    const before0 = await client.get<Node>(RESOURCES.nodes, 'sim-node-1');
    const running = await getPod('web-b');
    await sim.stop();
    sim = await startSimulatedNodes({
      client, count: 3, heartbeatIntervalMs: HEARTBEAT_MS, logger: createLogger('sim-test', { level: 'warn' }),
      stages: defaultPodStages({ completeAfterMs: 200 }),
    });
    const after0 = await client.get<Node>(RESOURCES.nodes, 'sim-node-1');
    assert.equal(after0.metadata!.uid, before0.metadata!.uid, 'the same Node object');
    assert.equal(after0.spec!.podCIDR, before0.spec!.podCIDR);
    const ips = new Set<string>();
    for (let i = 0; i < 5; i++) await createBoundPod(`again-${i}`, 'sim-node-1');
    for (let i = 0; i < 5; i++) ips.add((await phaseOf(`again-${i}`, 'Running')).status!.podIP!);
    assert.equal(ips.size, 5);
    assert.ok(!ips.has(running.status!.podIP!), 'no new pod takes the IP of a pod that was running before the restart');
  });
});

describe('simulated nodes without a node IPAM controller', () => {
  let server: RunningServer;
  let client: RestClient;
  let sim: SimulatedNodes;

  before(async () => {
    server = await startServer({ datastore: 'memory', args: ['--disable-controllers'] });
    client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'sim-test' });
    sim = await startSimulatedNodes({ client, count: 1, heartbeatIntervalMs: HEARTBEAT_MS, logger: createLogger('sim-test', { level: 'warn' }) });
  });
  after(async () => {
    await sim?.stop();
    client?.close();
    await server?.stop();
  });

  test('a node registers without a podCIDR; its pods wait for one, then run with an IP from it', async () => {
    assert.equal((await client.get<Node>(RESOURCES.nodes, 'sim-node-0')).spec?.podCIDR, undefined);
    await client.create<Pod>(RESOURCES.pods, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'waiting', namespace: NS },
      spec: { nodeName: 'sim-node-0', containers: [{ name: 'main', image: 'busybox' }] },
    });
    await new Promise((r) => setTimeout(r, 1500));
    const waiting = await client.get<Pod>(RESOURCES.pods, 'waiting', { namespace: NS });
    assert.notEqual(waiting.status?.phase, 'Running');
    assert.equal(waiting.status?.podIP, undefined, 'no IP without a podCIDR');
    // What the node IPAM controller writes (its patch), done here by hand.
    await client.patch(RESOURCES.nodes, 'sim-node-0', { spec: { podCIDR: '10.77.5.0/24', podCIDRs: ['10.77.5.0/24'] } }, { type: 'strategic' });
    const running = await eventually(async () => {
      const p = await client.get<Pod>(RESOURCES.pods, 'waiting', { namespace: NS });
      return p.status?.phase === 'Running' ? p : undefined;
    }, 10_000, 'the pod Running once its node has a podCIDR') as Pod;
    assert.ok(cidrContains(parseIpv4Cidr('10.77.5.0/24'), running.status!.podIP!), running.status!.podIP);
  });
});
