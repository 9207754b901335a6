/** Requests and limits as CRI resources: shares, quota, memory, OOM score by QoS; pod cgroup parents. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { containerOOMScoreAdjust, linuxContainerResources, milliCPUToQuota, milliCPUToShares, podCgroupParent, podSandboxConfig } from '../../../src/kubelet/index.js';

const GI = 1 << 30;
const pod = (...containers: Container[]): Pod => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u-1' }, spec: { containers } });

test('milliCPUToShares and milliCPUToQuota keep upstream\'s bounds', () => {
  assert.equal(milliCPUToShares(0), 2);
  assert.equal(milliCPUToShares(1), 2);
  assert.equal(milliCPUToShares(250), 256);
  assert.equal(milliCPUToShares(1000), 1024);
  assert.equal(milliCPUToShares(1_000_000), 262144);
  assert.equal(milliCPUToQuota(0), 0);
  assert.equal(milliCPUToQuota(5), 1000);
  assert.equal(milliCPUToQuota(500), 50000);
  assert.equal(milliCPUToQuota(2000), 200000);
});

test('a Burstable container: shares from the request, quota from the limit, memory limit and no swap', () => {
  const c: Container = { name: 'a', resources: { requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '500m', memory: '2Gi' } } };
  assert.deepEqual(linuxContainerResources(pod(c), c, 8 * GI), {
    cpuPeriod: 100000, cpuQuota: 50000, cpuShares: 102, memoryLimitInBytes: 2 * GI, memorySwapLimitInBytes: 2 * GI, oomScoreAdj: 875,
  });
});

test('a cpu limit alone gives the shares; no resources at all: 2 shares, no quota, no memory limit, OOM score 1000', () => {
  const limitOnly: Container = { name: 'a', resources: { limits: { cpu: '1' } } };
  assert.equal(linuxContainerResources(pod(limitOnly), limitOnly, GI).cpuShares, 1024);
  const none: Container = { name: 'a' };
  assert.deepEqual(linuxContainerResources(pod(none), none, GI), { cpuPeriod: 100000, cpuQuota: 0, cpuShares: 2, oomScoreAdj: 1000 });
});

test('OOM score: Guaranteed and node-critical -997, BestEffort 1000, Burstable kept within [3, 999]', () => {
  const g: Container = { name: 'g', resources: { limits: { cpu: '1', memory: '1Gi' } } };
  assert.equal(containerOOMScoreAdjust(pod(g), g, 8 * GI), -997);
  const be: Container = { name: 'b' };
  assert.equal(containerOOMScoreAdjust(pod(be), be, 8 * GI), 1000);
  assert.equal(containerOOMScoreAdjust({ ...pod(be), spec: { containers: [be], priorityClassName: 'system-node-critical' } }, be, 8 * GI), -997);
  const tiny: Container = { name: 't', resources: { requests: { cpu: '1m' } } };
  assert.equal(containerOOMScoreAdjust(pod(tiny), tiny, 8 * GI), 999);
  const huge: Container = { name: 'h', resources: { requests: { memory: '8Gi' } } };
  assert.equal(containerOOMScoreAdjust(pod(huge), huge, 8 * GI), 3);
  const memLimit: Container = { name: 'm', resources: { limits: { memory: '4Gi' } } };
  assert.equal(containerOOMScoreAdjust(pod(memLimit), memLimit, 8 * GI), 500, 'a limit alone is the request');
});

test('the sandbox\'s cgroup parent follows the QoS class (cgroupfs layout)', () => {
  assert.equal(podCgroupParent(pod({ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } })), '/kubepods/podu-1');
  assert.equal(podCgroupParent(pod({ name: 'a', resources: { requests: { memory: '1Gi' } } })), '/kubepods/burstable/podu-1');
  assert.equal(podCgroupParent(pod({ name: 'a' })), '/kubepods/besteffort/podu-1');
  assert.equal(podSandboxConfig(pod({ name: 'a' }), 0).linux?.cgroupParent, '/kubepods/besteffort/podu-1');
});
