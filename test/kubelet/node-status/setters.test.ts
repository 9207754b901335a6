/**
 * Node status from a host fixture and a fake CRI: capacity and allocatable
 * (reservations and hard eviction thresholds), nodeInfo, addresses, images,
 * the conditions with upstream's reasons and transition times, and what
 * counts as a change.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeStatus } from 'kubernetes-types/core/v1.js';
import { computeNodeStatus, nodeStatusChanged, type NodeStatusConfig } from '../../../src/kubelet/node-status/setters.js';
import { RuntimeHealth, RUNTIME_DOWN, RUNTIME_NOT_CHECKED } from '../../../src/kubelet/node-status/runtime-health.js';
import { conditionEvents } from '../../../src/kubelet/node-status/conditions.js';
import { gatherStatusInputs } from '../../../src/kubelet/node-status/status-inputs.js';
import { initialNode, reconcileExistingNode } from '../../../src/kubelet/node-status/node-object.js';
import { DEFAULT_EVICTION_HARD, DEFAULT_PID_AVAILABLE, parseEvictionThresholds } from '../../../src/kubelet/node-status/eviction-thresholds.js';
import { FakeStatusCri, HOST, image, usage } from './fake-cri.js';

const GiB = 2 ** 30;

const CFG: NodeStatusConfig = {
  evictionHard: parseEvictionThresholds(`${DEFAULT_EVICTION_HARD},${DEFAULT_PID_AVAILABLE}`),
  kubeletVersion: 'v1.33.0+k8ts',
  systemReserved: { cpu: 500, memory: GiB },
  kubeReserved: { cpu: 250 },
};

async function statusWith(cri: FakeStatusCri, u: ReturnType<typeof usage>, previous: NodeStatus | undefined, now: string,
  health = new RuntimeHealth(0)): Promise<NodeStatus> {
  const inputs = await gatherStatusInputs({ runtime: cri, images: cri, readHost: async () => HOST, readUsage: async () => u }, { health, nowMs: Date.parse(now) });
  return computeNodeStatus(inputs, CFG, previous, now);
}

function cond(s: NodeStatus, type: string) {
  const c = s.conditions?.find((x) => x.type === type);
  assert.ok(c, `condition ${type}`);
  return c;
}

describe('node status setters', () => {
  test('capacity from the host, allocatable less reservations and hard eviction thresholds', async () => {
    const s = await statusWith(new FakeStatusCri(), usage(), undefined, '2026-12-07T10:00:00Z');
    assert.deepEqual(s.capacity, { cpu: '4', memory: '16318412Ki', 'ephemeral-storage': '100Gi', pods: '110' });
    // memory: capacity − 1Gi system-reserved − 100Mi memory.available; storage: − 10% nodefs.available.
    assert.deepEqual(s.allocatable, {
      cpu: '3250m', memory: `${16318412 - 1048576 - 102400}Ki`,
      'ephemeral-storage': String(100 * GiB - Math.floor(100 * GiB * 0.1)), pods: '110',
    });
  });

  test('nodeInfo, addresses, daemon endpoints', async () => {
    const s = await statusWith(new FakeStatusCri(), usage(), undefined, '2026-12-07T10:00:00Z');
    assert.deepEqual(s.nodeInfo, {
      machineID: HOST.machineID, systemUUID: HOST.systemUUID, bootID: HOST.bootID,
      kernelVersion: '6.1.0-28-amd64', osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'containerd://1.7.24', kubeletVersion: 'v1.33.0+k8ts', kubeProxyVersion: 'v1.33.0+k8ts',
      operatingSystem: 'linux', architecture: 'amd64',
    });
    assert.deepEqual(s.addresses, [{ type: 'InternalIP', address: '192.168.1.20' }, { type: 'Hostname', address: 'node-a' }]);
    assert.deepEqual(s.daemonEndpoints, { kubeletEndpoint: { Port: 10250 } });
  });

  test('images: the 50 largest, digests then tags, at most five names', async () => {
    const cri = new FakeStatusCri();
    cri.images = Array.from({ length: 60 }, (_, i) => image(`docker.io/library/img${i}:latest`, 1000 + i));
    cri.images.push({ ...image('docker.io/library/big:1', 10 ** 9), repoTags: ['a:1', 'b:1', 'c:1', 'd:1', 'e:1'] });
    const s = await statusWith(cri, usage(), undefined, '2026-12-07T10:00:00Z');
    assert.equal(s.images?.length, 50);
    assert.equal(s.images?.[0]?.sizeBytes, 10 ** 9);
    assert.deepEqual(s.images?.[0]?.names, ['docker.io/library/big@sha256:' + '0'.repeat(64), 'a:1', 'b:1', 'c:1', 'd:1']);
    assert.equal(s.images?.[1]?.sizeBytes, 1059);
    assert.equal(s.images?.[49]?.sizeBytes, 1011, 'the big one and the 49 largest of the rest');
  });

  test('a healthy node: the pressure conditions False, Ready True last, with upstream reasons', async () => {
    const s = await statusWith(new FakeStatusCri(), usage(), undefined, '2026-12-07T10:00:00Z');
    assert.deepEqual(s.conditions?.map((c) => [c.type, c.status, c.reason, c.message]), [
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
      ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
    ]);
    for (const c of s.conditions ?? []) assert.equal(c.lastTransitionTime, '2026-12-07T10:00:00Z');
  });

  test('pressure from real numbers: memory below 100Mi, disk inodes below 5%, pids below 10%, imagefs below 15%', async () => {
    const s = await statusWith(new FakeStatusCri(), usage({
      memoryAvailableBytes: 50 * 2 ** 20,
      nodeFs: { capacityBytes: 100 * GiB, availableBytes: 60 * GiB, inodes: 1_000_000, inodesFree: 10_000 },
      maxPID: 1000, processes: 950,
    }), undefined, '2026-12-07T10:00:00Z');
    assert.deepEqual(s.conditions?.slice(0, 3).map((c) => [c.type, c.status, c.reason]), [
      ['MemoryPressure', 'True', 'KubeletHasInsufficientMemory'],
      ['DiskPressure', 'True', 'KubeletHasDiskPressure'],
      ['PIDPressure', 'True', 'KubeletHasInsufficientPID'],
    ]);
    const nodefs = await statusWith(new FakeStatusCri(), usage({
      nodeFs: { capacityBytes: 100 * GiB, availableBytes: 9 * GiB, inodes: 10, inodesFree: 10 },
    }), undefined, '2026-12-07T10:00:00Z');
    assert.equal(cond(nodefs, 'DiskPressure').status, 'True', 'nodefs.available < 10%');
    const imagefs = await statusWith(new FakeStatusCri(), usage({
      imageFs: { capacityBytes: 100 * GiB, availableBytes: 10 * GiB, inodes: 10, inodesFree: 10 },
    }), undefined, '2026-12-07T10:00:00Z');
    assert.equal(cond(imagefs, 'DiskPressure').status, 'True', 'imagefs.available < 15%');
  });

  test("Ready False with KubeletNotReady and the runtime's words; transition time only when the status flips", async () => {
    const cri = new FakeStatusCri();
    const health = new RuntimeHealth(0);
    const t0 = await statusWith(cri, usage(), undefined, '2026-12-07T10:00:00Z', health);
    const t1 = await statusWith(cri, usage(), t0, '2026-12-07T10:00:10Z');
    assert.equal(cond(t1, 'Ready').lastTransitionTime, '2026-12-07T10:00:00Z');
    assert.equal(cond(t1, 'Ready').lastHeartbeatTime, '2026-12-07T10:00:10Z');
    assert.equal(nodeStatusChanged(t0, t1), false, 'only heartbeat times moved');

    cri.networkReady = false;
    const t2 = await statusWith(cri, usage(), t1, '2026-12-07T10:00:20Z');
    assert.deepEqual(cond(t2, 'Ready'), {
      type: 'Ready', status: 'False', reason: 'KubeletNotReady',
      message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
      lastHeartbeatTime: '2026-12-07T10:00:20Z', lastTransitionTime: '2026-12-07T10:00:20Z',
    });
    assert.equal(cond(t2, 'MemoryPressure').lastTransitionTime, '2026-12-07T10:00:00Z');
    assert.equal(nodeStatusChanged(t1, t2), true);

    cri.runtimeReady = false;
    const t3 = await statusWith(cri, usage(), t2, '2026-12-07T10:00:30Z', health);
    assert.equal(cond(t3, 'Ready').message,
      'container runtime not ready: RuntimeReady=false reason:RuntimeDown message:containerd is stopping,' +
      'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized');
    assert.equal(cond(t3, 'Ready').lastTransitionTime, '2026-12-07T10:00:20Z', 'still False: no transition');

    cri.down = new Error('connect ECONNREFUSED');
    const t4 = await statusWith(cri, usage(), t3, '2026-12-07T10:00:40Z', health);
    assert.equal(cond(t4, 'Ready').message, 'container runtime is down');
    assert.equal(t4.nodeInfo?.containerRuntimeVersion, 'containerd://Unknown');
    assert.deepEqual(t4.images, t3.images, 'an unanswered image list keeps the last one');

    cri.down = undefined; cri.runtimeReady = true; cri.networkReady = true;
    const t5 = await statusWith(cri, usage(), t4, '2026-12-07T10:00:50Z');
    assert.equal(cond(t5, 'Ready').status, 'True');
    assert.equal(cond(t5, 'Ready').lastTransitionTime, '2026-12-07T10:00:50Z');
  });

  test('a runtime that stops answering keeps its last answer for 30 s, then is down', async () => {
    const health = new RuntimeHealth();
    const cri = new FakeStatusCri();
    cri.down = new Error('connect ECONNREFUSED');
    const s0 = await statusWith(cri, usage(), undefined, '2026-12-07T10:00:00Z', health);
    assert.deepEqual([cond(s0, 'Ready').status, cond(s0, 'Ready').message], ['False', RUNTIME_NOT_CHECKED]);
    cri.down = undefined;
    const s1 = await statusWith(cri, usage(), s0, '2026-12-07T10:00:10Z', health);
    assert.equal(cond(s1, 'Ready').status, 'True');
    cri.down = new Error('deadline exceeded');
    const s2 = await statusWith(cri, usage(), s1, '2026-12-07T10:00:39Z', health);
    assert.equal(cond(s2, 'Ready').status, 'True', '29 s after the last answer');
    const s3 = await statusWith(cri, usage(), s2, '2026-12-07T10:00:40Z', health);
    assert.deepEqual([cond(s3, 'Ready').status, cond(s3, 'Ready').reason, cond(s3, 'Ready').message], ['False', 'KubeletNotReady', RUNTIME_DOWN]);
  });

  test("condition Events as upstream's setters record them", async () => {
    const cri = new FakeStatusCri();
    const s0 = await statusWith(cri, usage(), undefined, '2026-12-07T10:00:00Z');
    assert.deepEqual(conditionEvents([], s0.conditions ?? []), ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID']);
    const s1 = await statusWith(cri, usage(), s0, '2026-12-07T10:00:10Z');
    assert.deepEqual(conditionEvents(s0.conditions ?? [], s1.conditions ?? []), []);
    cri.runtimeReady = false;
    const s2 = await statusWith(cri, usage({ memoryAvailableBytes: 1 }), s1, '2026-12-07T10:00:20Z');
    assert.deepEqual(conditionEvents(s1.conditions ?? [], s2.conditions ?? []), ['NodeHasInsufficientMemory', 'NodeNotReady']);
  });

  test('no images: the list is left out, and absent equals empty when comparing', async () => {
    const s = await statusWith(new FakeStatusCri(), usage(), undefined, '2026-12-07T10:00:00Z');
    assert.equal(s.images, undefined);
    assert.equal(nodeStatusChanged({ ...s, images: [] }, s), false);
    assert.equal(nodeStatusChanged({ ...s, images: [{ names: ['a'], sizeBytes: 1 }] }, s), true);
  });

  test('conditions other writers own are kept', async () => {
    const previous: NodeStatus = { conditions: [{ type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    const s = await statusWith(new FakeStatusCri(), usage(), previous, '2026-12-07T10:00:00Z');
    assert.deepEqual(s.conditions?.map((c) => c.type), ['NetworkUnavailable', 'MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
  });

  test('initial node: name, labels, control-plane role, podCIDRs, taints; reconciling an existing one', () => {
    const n = initialNode({
      nodeName: 'node-a', hostname: 'node-a', operatingSystem: 'linux', architecture: 'arm64', controlPlane: true,
      podCIDRs: ['10.42.0.0/24'], taints: [{ key: 'k8ts.io/test', effect: 'NoSchedule' }], labels: { 'kubernetes.io/hostname': 'ignored', team: 'a' },
    });
    assert.deepEqual(n.metadata?.labels, {
      'node-role.kubernetes.io/control-plane': '', team: 'a',
      'kubernetes.io/hostname': 'node-a', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'arm64',
      'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'arm64',
    });
    assert.deepEqual(n.spec, { podCIDR: '10.42.0.0/24', podCIDRs: ['10.42.0.0/24'], taints: [{ key: 'k8ts.io/test', effect: 'NoSchedule' }] });
    const plain = initialNode({ nodeName: 'w', hostname: 'w', operatingSystem: 'linux', architecture: 'amd64', unschedulable: true });
    assert.equal(plain.metadata?.labels?.['node-role.kubernetes.io/control-plane'], undefined);
    assert.deepEqual(plain.spec, { taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }], unschedulable: true });

    assert.equal(reconcileExistingNode(n, n), undefined);
    const stale = { ...n, metadata: { ...n.metadata, labels: { ...n.metadata?.labels, 'kubernetes.io/arch': 'amd64', extra: 'x' }, annotations: {} } };
    assert.deepEqual(reconcileExistingNode(n, stale), {
      metadata: { labels: { 'kubernetes.io/arch': 'arm64' }, annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } },
    });
  });
});
