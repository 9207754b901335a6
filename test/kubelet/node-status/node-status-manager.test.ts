/**
 * The node status manager against a real `k8ts server`, with a fake CRI and
 * the real host: registration (and adoption of an existing Node), status
 * written only when it changed or when the report interval passed, the
 * Lease renewed, NotReady when the runtime's network is not ready, a clean
 * stop. Checked through the client and through real kubectl.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Event, Node, NodeCondition } from 'kubernetes-types/core/v1.js';
import { createLogger } from '../../../src/api/log.js';
import { KUBERNETES_GIT_VERSION } from '../../../src/api/version.js';
import { EventRecorder, RESOURCES, RestClient } from '../../../src/client/index.js';
import {
  DEFAULT_EVICTION_HARD, NodeStatusManager, nodeStatusManagerFromFlags, parseEvictionThresholds, readHostInfo, readHostUsage, type NodeStatusManagerOptions,
} from '../../../src/kubelet/node-status/index.js';
import { findKubectl } from '../../harness/clients.js';
import { Kubectl, eventually } from '../../harness/kubectl.js';
import { startServer, type RunningServer } from '../../harness/server.js';
import { FakeStatusCri, image } from './fake-cri.js';

const NODE = 'k8ts-real-node';
const TICK_MS = 300;
const kubectlBin = findKubectl(35);
const noKubectl = kubectlBin.path ? false : `kubectl 1.35 not available: ${kubectlBin.reason}`;

function ready(n: Node): NodeCondition | undefined {
  return n.status?.conditions?.find((c) => c.type === 'Ready');
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('node status manager', { skip: process.platform !== 'linux' ? 'reads /proc' : false }, () => {
  let server: RunningServer;
  let client: RestClient;
  let kubectl: Kubectl | undefined;
  let rootDir: string;
  const cri = new FakeStatusCri();
  cri.images = [image('docker.io/library/busybox:1.36', 2_000_000), image('registry.k8s.io/pause:3.10', 300_000)];
  let manager: NodeStatusManager;

  function options(over: Partial<NodeStatusManagerOptions> = {}): NodeStatusManagerOptions {
    return {
      client, logger: createLogger('node-status-test', { level: 'warn' }),
      runtime: cri, images: cri,
      readHost: () => readHostInfo({ rootDir, nodeIP: '10.11.12.13' }),
      readUsage: () => readHostUsage({ rootDir }),
      registration: { nodeName: NODE, controlPlane: true, podCIDRs: ['10.42.0.0/24'] },
      status: { evictionHard: parseEvictionThresholds(DEFAULT_EVICTION_HARD), kubeletVersion: KUBERNETES_GIT_VERSION, systemReserved: { cpu: 100 } },
      statusUpdateFrequencyMs: TICK_MS, statusReportFrequencyMs: 60_000, leaseRenewIntervalMs: TICK_MS,
      events: new EventRecorder({ client, component: 'kubelet', host: NODE }),
      ...over,
    };
  }

  before(async () => {
    rootDir = mkdtempSync(join(tmpdir(), 'k8ts-kubelet-root-'));
    server = await startServer({ datastore: 'memory', args: ['--disable-controllers'] });
    client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'node-status-test' });
    if (kubectlBin.path) kubectl = new Kubectl(kubectlBin.path, server.kubeconfig);
    manager = new NodeStatusManager(options());
    manager.start();
    await manager.registered;
  });

  after(async () => {
    await manager?.stop();
    await server?.stop();
    rmSync(rootDir, { recursive: true, force: true });
  });

  test('registers the Node: labels, podCIDR, Ready, capacity, allocatable, nodeInfo, addresses, images', async () => {
    const host = await readHostInfo({ rootDir });
    const n = await client.get<Node>(RESOURCES.nodes, NODE);
    assert.deepEqual(n.metadata?.labels, {
      'node-role.kubernetes.io/control-plane': '',
      'kubernetes.io/hostname': host.hostname, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': host.architecture,
      'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': host.architecture,
    });
    assert.equal(n.spec?.podCIDR, '10.42.0.0/24');
    assert.equal(ready(n)?.status, 'True');
    assert.equal(ready(n)?.reason, 'KubeletReady');
    assert.equal(n.status?.capacity?.['cpu'], String(host.cpus));
    assert.equal(n.status?.capacity?.['pods'], '110');
    assert.equal(n.status?.allocatable?.['cpu'], `${host.cpus * 1000 - 100}m`);
    assert.ok(n.status?.capacity?.['memory'] && n.status.capacity['ephemeral-storage'] && n.status.allocatable?.['memory']);
    assert.equal(n.status?.nodeInfo?.kubeletVersion, KUBERNETES_GIT_VERSION);
    assert.equal(n.status?.nodeInfo?.containerRuntimeVersion, 'containerd://1.7.24');
    assert.equal(n.status?.nodeInfo?.kernelVersion, host.kernelVersion);
    assert.deepEqual(n.status?.addresses, [{ type: 'InternalIP', address: '10.11.12.13' }, { type: 'Hostname', address: host.hostname }]);
    assert.deepEqual(n.status?.images?.map((i) => i.sizeBytes), [2_000_000, 300_000]);
    assert.deepEqual(n.status?.daemonEndpoints, { kubeletEndpoint: { Port: 10250 } });
  });

  test('kubectl sees the node Ready, with its labels, capacity and nodeInfo', { skip: noKubectl }, () => {
    const n = JSON.parse(kubectl!.ok(['get', 'node', NODE, '-o', 'json'])) as Node;
    assert.equal(ready(n)?.status, 'True');
    assert.equal(n.metadata?.labels?.['node-role.kubernetes.io/control-plane'], '');
    assert.equal(n.status?.capacity?.['pods'], '110');
    assert.ok(n.status?.allocatable?.['memory']);
    assert.equal(n.status?.nodeInfo?.operatingSystem, 'linux');
    const table = kubectl!.ok(['get', 'nodes', '--no-headers']);
    assert.match(table, new RegExp(`^${NODE}\\s+Ready\\s+control-plane\\s+\\S+\\s+${KUBERNETES_GIT_VERSION.replace(/[+.]/g, '\\$&')}`, 'm'));
  });

  test('renews the Lease in kube-node-lease, owned by the Node', async () => {
    const n = await client.get<Node>(RESOURCES.nodes, NODE);
    const first = await eventually(() => client.get<Lease>(RESOURCES.leases, NODE, { namespace: 'kube-node-lease' }), 5000, 'lease');
    assert.equal(first.spec?.holderIdentity, NODE);
    assert.equal(first.spec?.leaseDurationSeconds, 40);
    assert.deepEqual(first.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: NODE, uid: n.metadata?.uid }]);
    const later = (await eventually(async () => {
      const l = await client.get<Lease>(RESOURCES.leases, NODE, { namespace: 'kube-node-lease' });
      return l.spec?.renewTime !== first.spec?.renewTime ? l : undefined;
    }, 5000, 'lease renewal'))!;
    assert.ok(Date.parse(later.spec!.renewTime!) > Date.parse(first.spec!.renewTime!));
    if (kubectl) {
      const l = JSON.parse(kubectl.ok(['get', 'lease', '-n', 'kube-node-lease', NODE, '-o', 'json'])) as Lease;
      assert.equal(l.spec?.holderIdentity, NODE);
    }
  });

  test('an unchanged status is not re-written within the report interval', async () => {
    const before = await client.get<Node>(RESOURCES.nodes, NODE);
    const writes = manager.statusWriteCount();
    await sleep(TICK_MS * 6);
    const afterwards = await client.get<Node>(RESOURCES.nodes, NODE);
    assert.equal(afterwards.metadata?.resourceVersion, before.metadata?.resourceVersion);
    assert.equal(manager.statusWriteCount(), writes);
  });

  test('a runtime whose network is not ready turns Ready False, with a new transition time', async () => {
    const was = ready(await client.get<Node>(RESOURCES.nodes, NODE))!;
    await sleep(1100); // transition times have second precision
    cri.networkReady = false;
    const n = (await eventually(async () => {
      const x = await client.get<Node>(RESOURCES.nodes, NODE);
      return ready(x)?.status === 'False' ? x : undefined;
    }, 5000, 'Ready=False'))!;
    const r = ready(n)!;
    assert.equal(r.reason, 'KubeletNotReady');
    assert.equal(r.message, 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized');
    assert.ok(Date.parse(r.lastTransitionTime!) > Date.parse(was.lastTransitionTime!));
    if (kubectl) assert.match(kubectl.ok(['get', 'node', NODE, '--no-headers']), /\sNotReady\s/);
    const reasons = await eventually(async () => {
      const list = await client.list<Event>(RESOURCES.events, { namespace: 'default' });
      const r = list.items.filter((e) => e.involvedObject.kind === 'Node' && e.involvedObject.name === NODE).map((e) => e.reason);
      return r.includes('NodeNotReady') ? r : undefined;
    }, 5000, 'NodeNotReady event');
    assert.ok(reasons?.includes('NodeHasSufficientMemory'), `events: ${reasons?.join(', ')}`);
    cri.networkReady = true;
    await eventually(async () => ready(await client.get<Node>(RESOURCES.nodes, NODE))?.status === 'True', 5000, 'Ready=True again');
  });

  test('images removed from the runtime leave the node status', async () => {
    const images = cri.images;
    cri.images = [];
    await eventually(async () => ((await client.get<Node>(RESOURCES.nodes, NODE)).status?.images ?? []).length === 0, 5000, 'no images');
    const before = await client.get<Node>(RESOURCES.nodes, NODE);
    await sleep(TICK_MS * 4);
    assert.equal((await client.get<Node>(RESOURCES.nodes, NODE)).metadata?.resourceVersion, before.metadata?.resourceVersion, 'no image list: still no rewrites');
    cri.images = images;
    await eventually(async () => (await client.get<Node>(RESOURCES.nodes, NODE)).status?.images?.length === 2, 5000, 'images back');
  });

  test('stop() ends every write; a restarted kubelet (built from flags) adopts the Node and reports every report interval', async () => {
    await manager.stop();
    const n0 = await client.get<Node>(RESOURCES.nodes, NODE);
    const l0 = await client.get<Lease>(RESOURCES.leases, NODE, { namespace: 'kube-node-lease' });
    await sleep(TICK_MS * 4);
    assert.equal((await client.get<Node>(RESOURCES.nodes, NODE)).metadata?.resourceVersion, n0.metadata?.resourceVersion);
    assert.equal((await client.get<Lease>(RESOURCES.leases, NODE, { namespace: 'kube-node-lease' })).spec?.renewTime, l0.spec?.renewTime);

    // Someone changed a default label meanwhile: the restarted kubelet puts it back.
    await client.patch(RESOURCES.nodes, NODE, { metadata: { labels: { 'kubernetes.io/os': 'plan9', team: 'a' } } });
    manager = nodeStatusManagerFromFlags(
      { rootDir, nodeName: NODE, nodeIP: '10.11.12.13', controlPlane: true, systemReserved: 'cpu=100m', podCIDRs: ['10.42.0.0/24'] },
      { client, logger: createLogger('node-status-test', { level: 'warn' }), runtime: cri, images: cri,
        statusUpdateFrequencyMs: TICK_MS, statusReportFrequencyMs: 1000, leaseRenewIntervalMs: TICK_MS });
    manager.start();
    const adopted = await manager.registered;
    assert.equal(adopted.metadata?.uid, n0.metadata?.uid);
    assert.equal(adopted.metadata?.labels?.['kubernetes.io/os'], 'linux');
    assert.equal(adopted.metadata?.labels?.['team'], 'a');
    // Unchanged status, but the report interval (1 s) forces a write about every second.
    await eventually(() => manager.statusWriteCount() >= 2, 5000, 'two periodic reports');
    assert.ok(manager.statusWriteCount() <= 4, `at most one write per report interval, got ${manager.statusWriteCount()}`);
  });
});
