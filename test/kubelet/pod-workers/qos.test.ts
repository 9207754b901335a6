import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, ResourceRequirements } from 'kubernetes-types/core/v1.js';
import { podQOSClass } from '../../../src/api/pods/qos.js';

function podWith(containers: ResourceRequirements[], inits: ResourceRequirements[] = [], qosClass?: string): Pod {
  return {
    spec: {
      containers: containers.map((resources, i) => ({ name: `c${i}`, resources })),
      initContainers: inits.map((resources, i) => ({ name: `i${i}`, resources })),
    },
    ...(qosClass ? { status: { qosClass } } : {}),
  };
}

const G = { limits: { cpu: '100m', memory: '64Mi' }, requests: { cpu: '100m', memory: '64Mi' } };

const CASES: Array<[string, Pod, string]> = [
  ['nothing set: BestEffort', podWith([{}, {}]), 'BestEffort'],
  ['only other resources: BestEffort', podWith([{ limits: { 'ephemeral-storage': '1Gi' } }]), 'BestEffort'],
  ['zero quantities do not count: BestEffort', podWith([{ requests: { cpu: '0' } }]), 'BestEffort'],
  ['requests equal limits everywhere: Guaranteed', podWith([G, G], [G]), 'Guaranteed'],
  ['limits only (requests default to them): Guaranteed', podWith([{ limits: { cpu: '1', memory: '1Gi' } }]), 'Guaranteed'],
  ['0.1 cpu equals 100m: Guaranteed', podWith([{ limits: { cpu: '0.1', memory: '64Mi' }, requests: { cpu: '100m', memory: '64Mi' } }]), 'Guaranteed'],
  ['request below limit: Burstable', podWith([{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } }]), 'Burstable'],
  ['one container without limits: Burstable', podWith([G, {}]), 'Burstable'],
  ['memory limit only: Burstable', podWith([{ limits: { memory: '1Gi' } }]), 'Burstable'],
  ['an init container without limits: Burstable', podWith([G], [{ requests: { cpu: '10m' } }]), 'Burstable'],
  ['status.qosClass is kept', podWith([{}], [], 'Burstable'), 'Burstable'],
];

for (const [name, pod, want] of CASES) {
  test(`QoS: ${name}`, () => assert.equal(podQOSClass(pod), want));
}
