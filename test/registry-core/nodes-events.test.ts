import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeStrategy } from '../../src/apiserver/registry/core/nodes.js';
import { eventStrategy } from '../../src/apiserver/registry/core/events.js';
import { create, statusUpdate, update } from './helpers.js';

test('nodes: create keeps status; allocatable defaults to capacity; podCIDR mirrors podCIDRs', () => {
  const { obj, errs } = create(nodeStrategy, {
    metadata: { name: 'n1' }, spec: { podCIDR: '10.244.1.0/24' }, status: { capacity: { cpu: '4' } },
  });
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.spec, { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] });
  assert.deepEqual(obj.status, { capacity: { cpu: '4' }, allocatable: { cpu: '4' } });
});

test('nodes: podCIDR may only be set once', () => {
  const unset = create(nodeStrategy, { metadata: { name: 'n1' } }).obj;
  const set = update(nodeStrategy, { metadata: { name: 'n1' }, spec: { podCIDR: '10.244.1.0/24' } }, unset);
  assert.deepEqual(set.errs, []);
  const again = update(nodeStrategy, { metadata: { name: 'n1' }, spec: { podCIDRs: ['10.244.2.0/24'] } }, set.obj);
  assert.deepEqual(again.errs, ['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid']);
});

test('nodes: taints and CIDRs are validated', () => {
  const { errs } = create(nodeStrategy, {
    metadata: { name: 'n1' },
    spec: { podCIDRs: ['nope'], taints: [{ key: 'k', effect: 'Sometimes' }, { key: 'k2' }] },
  });
  assert.deepEqual(errs, [
    'spec.podCIDRs[0]: Invalid value: "nope": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    'spec.taints[1].effect: Required value',
  ]);
});

test('nodes: status updates keep spec; field selector spec.unschedulable', () => {
  const stored = create(nodeStrategy, { metadata: { name: 'n1' }, spec: { unschedulable: true } }).obj;
  const r = statusUpdate(nodeStrategy, { metadata: { name: 'n1' }, spec: {}, status: { phase: 'Running' } }, stored);
  assert.deepEqual(r.obj.spec, { unschedulable: true });
  assert.deepEqual(nodeStrategy.selectableFields?.(r.obj), { 'spec.unschedulable': 'true' });
  assert.deepEqual(nodeStrategy.fieldSelectorKeys, ['spec.unschedulable']);
});

test('events: legacy events must match their namespace', () => {
  const base = { metadata: { name: 'web.17a', namespace: 'default' }, reason: 'Started', type: 'Normal' };
  assert.deepEqual(create(eventStrategy, { ...base, involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' } }).errs, []);
  assert.deepEqual(create(eventStrategy, { ...base, involvedObject: { kind: 'Pod', name: 'web', namespace: 'other' } }).errs,
    ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
});

test('events: new-style events need reporting fields', () => {
  const { errs } = create(eventStrategy, {
    metadata: { name: 'e', namespace: 'default' }, eventTime: '2024-01-01T00:00:00.000000Z',
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
  });
  assert.deepEqual(errs.filter((e) => e.includes('Required')), [
    'reportingComponent: Required value', 'reportingInstance: Required value', 'action: Required value', 'reason: Required value',
  ]);
});

test('events: selectable fields', () => {
  const ev = {
    metadata: { name: 'e', namespace: 'default' }, reason: 'Pulled', type: 'Normal', source: { component: 'kubelet' },
    reportingComponent: 'kubelet',
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'u1', apiVersion: 'v1', resourceVersion: '5', fieldPath: 'spec.containers{web}' },
  };
  const fields = eventStrategy.selectableFields?.(ev) ?? {};
  assert.deepEqual(fields, {
    'involvedObject.kind': 'Pod', 'involvedObject.namespace': 'default', 'involvedObject.name': 'web',
    'involvedObject.uid': 'u1', 'involvedObject.apiVersion': 'v1', 'involvedObject.resourceVersion': '5',
    'involvedObject.fieldPath': 'spec.containers{web}', reason: 'Pulled', reportingComponent: 'kubelet',
    source: 'kubelet', type: 'Normal',
  });
  assert.deepEqual(Object.keys(fields).sort(), [...(eventStrategy.fieldSelectorKeys ?? [])].sort());
});
