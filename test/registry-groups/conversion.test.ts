import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HorizontalPodAutoscaler as HpaV2 } from 'kubernetes-types/autoscaling/v2.js';
import type { HorizontalPodAutoscaler as HpaV1 } from 'kubernetes-types/autoscaling/v1.js';
import type { Event as CoreEvent } from 'kubernetes-types/core/v1.js';
import type { Event as EventsV1 } from 'kubernetes-types/events/v1.js';
import type { KubeObject } from '../../src/api/object.js';
import { CONVERSIONS } from '../../src/apiserver/registry/groups.js';
import {
  BEHAVIOR_ANNOTATION, CONDITIONS_ANNOTATION, METRIC_SPECS_ANNOTATION, METRIC_STATUSES_ANNOTATION, hpaV1ToV2, hpaV2ToV1,
} from '../../src/apiserver/registry/autoscaling/hpa-conversion.js';
import { coreToEventsV1, eventsV1ToCore } from '../../src/apiserver/registry/events/event-conversion.js';

const meta = { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', labels: { app: 'web' } };

test('HPA v1 -> v2 -> v1 round trip', () => {
  const v1: HpaV1 = {
    apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta,
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 70 },
    status: { currentReplicas: 3, desiredReplicas: 4, currentCPUUtilizationPercentage: 65, observedGeneration: 1 },
  };
  const v2 = hpaV1ToV2(v1);
  assert.equal(v2.apiVersion, 'autoscaling/v2');
  assert.deepEqual(v2.spec?.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
  assert.deepEqual(v2.status?.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 65 } } }]);
  const back = hpaV2ToV1(v2);
  // The status round trip records the current metrics in their annotation, as upstream does.
  const anns = { ...back.metadata?.annotations };
  assert.deepEqual(JSON.parse(anns[METRIC_STATUSES_ANNOTATION]), [{ type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 65 } }]);
  delete back.metadata?.annotations;
  assert.deepEqual(back, v1);
});

test('HPA v2 -> v1 -> v2 round trip keeps metrics, behavior and conditions in annotations', () => {
  const v2: HpaV2 = {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler',
    metadata: { ...meta, annotations: { keep: 'me' } },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5,
      metrics: [
        { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
        { type: 'External', external: { metric: { name: 'queue', selector: { matchLabels: { q: 'a' } } }, target: { type: 'Value', value: '100' } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
      ],
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] },
        scaleDown: { selectPolicy: 'Min', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
      },
    },
    status: {
      currentReplicas: 2, desiredReplicas: 2,
      currentMetrics: [
        { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 40, averageValue: '200m' } } },
        { type: 'Pods', pods: { metric: { name: 'qps' }, current: { averageValue: '8' } } },
      ],
      conditions: [{ type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', lastTransitionTime: '2024-01-01T00:00:00Z' }],
    },
  };
  const v1 = hpaV2ToV1(v2);
  assert.equal(v1.spec?.targetCPUUtilizationPercentage, 50);
  assert.equal(v1.status?.currentCPUUtilizationPercentage, 40);
  const anns = v1.metadata?.annotations ?? {};
  assert.equal(anns.keep, 'me');
  assert.deepEqual(JSON.parse(anns[METRIC_SPECS_ANNOTATION])[0], { type: 'Pods', pods: { metricName: 'qps', targetAverageValue: '10' } });
  assert.equal(anns[BEHAVIOR_ANNOTATION],
    '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15}]},'
    + '"ScaleDown":{"StabilizationWindowSeconds":null,"SelectPolicy":"Min","Policies":[{"Type":"Percent","Value":10,"PeriodSeconds":60}]}}');
  assert.ok(anns[CONDITIONS_ANNOTATION]);
  const back = hpaV1ToV2(v1);
  // Upstream puts the CPU utilization target last; it is last here already, so the round trip is exact.
  assert.deepEqual(back, v2);
});

test('HPA conversions through CONVERSIONS set apiVersion and kind', () => {
  const c = CONVERSIONS['autoscaling/v1/horizontalpodautoscalers'];
  const stored = c.toStorage({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta,
    spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3 } } as KubeObject);
  assert.equal(stored.apiVersion, 'autoscaling/v2');
  const served = c.fromStorage(stored);
  assert.equal(served.apiVersion, 'autoscaling/v1');
  assert.equal(served.kind, 'HorizontalPodAutoscaler');
});

test('events.k8s.io/v1 <-> core/v1 round trip', () => {
  const ev: EventsV1 = {
    apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'web.1', namespace: 'default' },
    eventTime: '2024-01-01T00:00:00.000000Z',
    series: { count: 2, lastObservedTime: '2024-01-01T00:01:00.000000Z' },
    reportingController: 'k8ts.io/scheduler', reportingInstance: 'node-1', action: 'Binding', reason: 'Scheduled',
    regarding: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'p1' },
    related: { kind: 'Node', name: 'node-1' },
    note: 'Successfully assigned default/web to node-1', type: 'Normal',
    deprecatedSource: { component: 'scheduler' }, deprecatedFirstTimestamp: '2024-01-01T00:00:00Z',
    deprecatedLastTimestamp: '2024-01-01T00:01:00Z', deprecatedCount: 2,
  };
  const core = eventsV1ToCore(ev);
  assert.deepEqual(core, {
    apiVersion: 'v1', kind: 'Event', metadata: { name: 'web.1', namespace: 'default' },
    eventTime: '2024-01-01T00:00:00.000000Z',
    series: { count: 2, lastObservedTime: '2024-01-01T00:01:00.000000Z' },
    action: 'Binding', reason: 'Scheduled', related: { kind: 'Node', name: 'node-1' },
    reportingInstance: 'node-1', type: 'Normal',
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web', uid: 'p1' },
    message: 'Successfully assigned default/web to node-1',
    reportingComponent: 'k8ts.io/scheduler',
    source: { component: 'scheduler' }, firstTimestamp: '2024-01-01T00:00:00Z', lastTimestamp: '2024-01-01T00:01:00Z', count: 2,
  });
  assert.deepEqual(coreToEventsV1(core), ev);
});

test('core Event without eventTime converts with eventTime null and back without it', () => {
  const core: CoreEvent = {
    apiVersion: 'v1', kind: 'Event', metadata: { name: 'x', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, reason: 'Pulled', message: 'ok', type: 'Normal', count: 1,
  };
  const ev = coreToEventsV1(core);
  assert.equal(ev.eventTime, null);
  assert.equal(ev.note, 'ok');
  assert.equal(ev.deprecatedCount, 1);
  assert.deepEqual(eventsV1ToCore(ev), core);
  const c = CONVERSIONS['events.k8s.io/v1/events'];
  assert.equal(c.fromStorage(core as unknown as KubeObject).apiVersion, 'events.k8s.io/v1');
  assert.equal(c.toStorage(ev as unknown as KubeObject).apiVersion, 'v1');
});
