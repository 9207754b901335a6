import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event as CoreEvent } from 'kubernetes-types/core/v1.js';
import type { Event as EventsV1Event } from 'kubernetes-types/events/v1.js';
import { tableConvertorFor } from '../../src/apiserver/tables/index.js';
import { NOW, ago, obj } from './helpers.js';

test('event columns: current upstream order and wide columns', () => {
  assert.deepEqual(tableConvertorFor('', 'events').columns().map((c) => [c.name, c.priority, c.format]), [
    ['Last Seen', 0, ''], ['Type', 0, ''], ['Reason', 0, ''], ['Object', 0, ''], ['Subobject', 1, ''], ['Source', 1, ''],
    ['Message', 0, ''], ['First Seen', 1, ''], ['Count', 1, ''], ['Name', 1, 'name'],
  ]);
});

test('core/v1 event row', () => {
  const ev: CoreEvent = {
    metadata: { name: 'web-1.17d', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{nginx}' },
    reason: 'Pulled', message: '  Successfully pulled image "nginx"\n', type: 'Normal',
    source: { component: 'kubelet', host: 'node-a' },
    firstTimestamp: ago(10, 'm'), lastTimestamp: ago(2, 'm'), count: 4,
  };
  assert.deepEqual(tableConvertorFor('', 'events').cells(obj(ev), NOW), [
    '2m', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{nginx}', 'kubelet, node-a',
    'Successfully pulled image "nginx"', '10m', 4, 'web-1.17d',
  ]);
});

test('new-style event: eventTime, series, reportingController, singleton count 1', () => {
  const ev: CoreEvent = {
    metadata: { name: 'e' }, involvedObject: { kind: 'Node' }, reason: 'Starting', type: 'Normal', message: 'x',
    eventTime: '2024-06-01T11:59:30.123456Z', reportingComponent: 'kube-proxy', reportingInstance: 'kube-proxy-node-a',
  };
  assert.deepEqual(tableConvertorFor('', 'events').cells(obj(ev), NOW), ['29s', 'Normal', 'Starting', 'node', '', 'kube-proxy, kube-proxy-node-a', 'x', '29s', 1, 'e']);
  const series: CoreEvent = { ...ev, series: { count: 7, lastObservedTime: '2024-06-01T11:59:55.000000Z' } };
  const cells = tableConvertorFor('', 'events').cells(obj(series), NOW);
  assert.deepEqual([cells[0], cells[7], cells[8]], ['5s', '29s', 7]);
});

test('events.k8s.io/v1 event prints like its core form', () => {
  const ev: EventsV1Event = {
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'web.1' }, eventTime: '2024-06-01T11:55:00.000000Z',
    regarding: { kind: 'Deployment', name: 'web' }, reason: 'ScalingReplicaSet', note: 'Scaled up replica set web-7d to 3',
    type: 'Normal', reportingController: 'deployment-controller', reportingInstance: '', action: 'Scale',
  };
  assert.deepEqual(tableConvertorFor('events.k8s.io', 'events').cells(obj(ev), NOW), [
    '5m', 'Normal', 'ScalingReplicaSet', 'deployment/web', '', 'deployment-controller', 'Scaled up replica set web-7d to 3', '5m', 1, 'web.1',
  ]);
});
