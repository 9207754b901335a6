/**
 * The type check before defaulting: exact upstream-shaped messages for
 * built-in kinds and custom resources, what is accepted, and how a body is
 * normalized (unknown fields, nulls) on the way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cannotBeHandled, decodeWalk, definitionNode, unmarshalTypeMessage } from '../../../src/api/decode/index.js';
import { compileSchema } from '../../../src/api/apiextensions/compiled-schema.js';
import type { JSONSchemaProps } from '../../../src/api/apiextensions/types.js';

const POD = 'io.k8s.api.core.v1.Pod';
const DEPLOYMENT = 'io.k8s.api.apps.v1.Deployment';

/** The message of the first mismatch of `body` against definition `def`, or 'ok'. */
function check(def: string, body: Record<string, unknown>, kind = def.split('.').pop()!): string {
  const { mismatch } = decodeWalk(definitionNode(def), body, kind);
  return mismatch ? unmarshalTypeMessage(mismatch) : 'ok';
}

test('the messages of the issue, as Go encoding/json words them', () => {
  assert.equal(check(POD, { spec: { containers: 'nope' } }),
    'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container');
  assert.equal(check(DEPLOYMENT, { spec: { replicas: '3' } }),
    'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  assert.equal(check(POD, { metadata: { labels: { app: 5 } } }),
    'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
  assert.equal(check(POD, { spec: { containers: [{ name: 'a', ports: [{ containerPort: '80' }] }] } }),
    'json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32');
});

test('the 400 names kind and version as transformDecodeError does', () => {
  const { mismatch } = decodeWalk(definitionNode(POD), { spec: { containers: 'nope' } }, 'Pod');
  const e = cannotBeHandled('Pod', 'v1', mismatch!);
  assert.equal(e.code, 400);
  assert.equal(e.reason, 'BadRequest');
  assert.equal(e.message, 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container');
});

test('value kinds and Go types', () => {
  assert.equal(check(POD, { spec: { containers: [{ name: 'a', ports: [{ containerPort: 1.5 }] }] } }),
    'json: cannot unmarshal number 1.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32');
  assert.equal(check(POD, { spec: { containers: [{ name: 'a', ports: [{ containerPort: 2 ** 31 }] }] } }),
    'json: cannot unmarshal number 2147483648 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32');
  assert.equal(check(POD, { spec: { activeDeadlineSeconds: true } }),
    'json: cannot unmarshal bool into Go struct field PodSpec.spec.activeDeadlineSeconds of type int64');
  assert.equal(check(POD, { spec: { hostNetwork: 'yes' } }),
    'json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool');
  assert.equal(check(POD, { spec: ['x'] }),
    'json: cannot unmarshal array into Go struct field Pod.spec of type v1.PodSpec');
  assert.equal(check(POD, { metadata: 'x' }),
    'json: cannot unmarshal string into Go struct field Pod.metadata of type v1.ObjectMeta');
  assert.equal(check(POD, { metadata: { labels: [] } }),
    'json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string');
  assert.equal(check(POD, { metadata: { name: {} } }),
    'json: cannot unmarshal object into Go struct field ObjectMeta.metadata.name of type string');
  assert.equal(check(POD, { spec: { containers: ['x'] } }),
    'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type v1.Container');
  // Time decodes a string first, so a number is refused as a string.
  assert.equal(check(POD, { metadata: { creationTimestamp: 5 } }),
    'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string');
  // IntOrString decodes an int32 unless given a string.
  assert.equal(check(DEPLOYMENT, { spec: { strategy: { rollingUpdate: { maxSurge: true } } } }),
    'json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32');
  assert.equal(check(POD, { spec: { containers: [{ name: 'a', resources: { limits: { cpu: {} } } }] } }),
    'json: cannot unmarshal object into Go struct field ResourceRequirements.spec.containers.resources.limits of type resource.Quantity');
  assert.equal(check('io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler', { spec: { metrics: [{ type: 'Resource', resource: { target: { averageUtilization: 'x' } } }] } }),
    'json: cannot unmarshal string into Go struct field MetricTarget.spec.metrics.resource.target.averageUtilization of type int32');
});

test('what a typed decode accepts', () => {
  const ok = {
    metadata: { name: 'a', labels: null, annotations: { a: 'b' }, creationTimestamp: null },
    spec: {
      containers: [{ name: 'a', ports: [{ containerPort: 80 }], resources: { limits: { cpu: 1, memory: '1Gi' } },
        livenessProbe: { httpGet: { port: 'http' } }, readinessProbe: { tcpSocket: { port: 8080 } } }],
      priority: null,
    },
  };
  assert.equal(check(POD, ok), 'ok');
  const ev = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, involvedObject: {}, eventTime: '2024-01-01T00:00:00.000000Z', count: 2 };
  assert.equal(check('io.k8s.api.core.v1.Event', ev), 'ok');
  // RawExtension takes anything.
  assert.equal(check('io.k8s.api.apps.v1.ControllerRevision', { data: 'anything', revision: 1 }), 'ok');
});

test('normalizing as a typed decode gives the body back: unknown fields out, nulls made zero values', () => {
  const body: Record<string, unknown> = {
    metadata: { name: 'a', labels: { a: null }, finalizers: [null], bogus: 1 },
    spec: { containers: [null, { name: 'x', extra: true }], nodeName: null },
  };
  const out = decodeWalk(definitionNode(POD), body, 'Pod');
  assert.equal(out.mismatch, undefined);
  assert.deepEqual(out.unknown, ['metadata.bogus', 'spec.containers[1].extra']);
  assert.deepEqual(body, { metadata: { name: 'a', labels: { a: '' }, finalizers: [''] }, spec: { containers: [{}, { name: 'x' }] } });
});

const CR_SCHEMA: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        ratio: { type: 'number' },
        port: { 'x-kubernetes-int-or-string': true },
        tags: { type: 'array', items: { type: 'string' } },
        env: { type: 'object', additionalProperties: { type: 'string' } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
};

test('custom resources: their kind stands for the struct, unstructured Go types', () => {
  const s = compileSchema(CR_SCHEMA);
  const msg = (spec: unknown, metadata: unknown = { name: 'a' }): string => {
    const r = s.checkTypes({ apiVersion: 'x.io/v1', kind: 'Widget', metadata, spec }, 'Widget');
    return r.mismatch ? unmarshalTypeMessage(r.mismatch) : 'ok';
  };
  assert.equal(msg({ replicas: 'x' }), 'json: cannot unmarshal string into Go struct field Widget.spec.replicas of type int64');
  assert.equal(msg({ replicas: 1.5 }), 'json: cannot unmarshal number 1.5 into Go struct field Widget.spec.replicas of type int64');
  assert.equal(msg({ ratio: '1' }), 'json: cannot unmarshal string into Go struct field Widget.spec.ratio of type float64');
  assert.equal(msg({ port: false }), 'json: cannot unmarshal bool into Go struct field Widget.spec.port of type int64');
  assert.equal(msg({ tags: 'a' }), 'json: cannot unmarshal string into Go struct field Widget.spec.tags of type []interface {}');
  assert.equal(msg({ tags: [1] }), 'json: cannot unmarshal number into Go struct field Widget.spec.tags of type string');
  assert.equal(msg({ env: { A: 1 } }), 'json: cannot unmarshal number into Go struct field Widget.spec.env of type string');
  assert.equal(msg([]), 'json: cannot unmarshal array into Go struct field Widget.spec of type map[string]interface {}');
  assert.equal(msg({}, { labels: { a: 1 } }), 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
  assert.equal(msg({ template: { metadata: { name: 5 } } }), 'json: cannot unmarshal number into Go struct field ObjectMeta.spec.template.metadata.name of type string');
  assert.equal(msg({ replicas: 2, ratio: 0.5, port: 'http', tags: ['a', null], env: { A: 'b' }, free: { x: [1, { y: 2 }] }, unknown: 'kept', template: { kind: 'Pod', spec: 1 } }), 'ok');
  assert.equal(msg({ replicas: null }), 'ok');
});

test('custom resources: unknown fields are reported only from metadata, the rest is left to pruning', () => {
  const s = compileSchema(CR_SCHEMA);
  const obj: Record<string, unknown> = { apiVersion: 'x.io/v1', kind: 'Widget', metadata: { name: 'a', nope: 1 }, spec: { extra: 1, replicas: null } };
  assert.deepEqual(s.checkTypes(obj, 'Widget').unknown, ['metadata.nope']);
  assert.deepEqual(obj, { apiVersion: 'x.io/v1', kind: 'Widget', metadata: { name: 'a' }, spec: { extra: 1, replicas: null } });
});
