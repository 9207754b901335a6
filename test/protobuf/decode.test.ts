import { test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { StatusError } from '../../src/api/errors.js';
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf } from '../../src/api/protobuf/index.js';
import { writeEnvelope } from '../../src/api/protobuf/envelope.js';
import { messageType } from '../../src/api/protobuf/root.js';
import { formatGoDuration, parseGoDuration, parseTimestamp } from '../../src/api/protobuf/time.js';

function isStatus(code: number, reason: string, text?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.reason, reason);
    if (text) assert.match(err.message, text);
    return true;
  };
}

/** Encodes a typed message the way protobufjs would for a plain object, wrapped in the envelope. */
function body(apiVersion: string, kind: string, message: string, fields: Record<string, unknown>): Uint8Array {
  return writeEnvelope(apiVersion, kind, messageType(message).encode(fields).finish());
}

test('a body without the magic is a 400 BadRequest', () => {
  assert.throws(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Pod"}')), isStatus(400, 'BadRequest', /magic/));
  assert.throws(() => decodeKubernetesProtobuf(new Uint8Array([0x6b, 0x38])), isStatus(400, 'BadRequest'));
});

test('an unknown kind is a 415 naming the kind', () => {
  const b = writeEnvelope('example.com/v1', 'Widget', new Uint8Array(0));
  assert.throws(() => decodeKubernetesProtobuf(b), isStatus(415, 'UnsupportedMediaType', /example\.com\/v1, Kind=Widget/));
  assert.throws(() => encodeKubernetesProtobuf({ apiVersion: 'example.com/v1', kind: 'Widget' }), isStatus(415, 'UnsupportedMediaType', /Widget/));
});

test('malformed typed bytes are a 400 BadRequest', () => {
  const b = writeEnvelope('v1', 'ConfigMap', Uint8Array.from([0x0a, 0x20, 0x01]));
  assert.throws(() => decodeKubernetesProtobuf(b), isStatus(400, 'BadRequest', /v1, Kind=ConfigMap/));
});

test('Go zero values: omitempty scalars are dropped, pointers and required fields kept', () => {
  // What Go writes for `replicas: ptr(0)` plus zero non-pointer fields (minReadySeconds, paused, name "").
  const b = body('apps/v1', 'Deployment', 'k8s.io.api.apps.v1.Deployment', {
    metadata: { name: 'web', generateName: '', namespace: '', uid: '', generation: 0, creationTimestamp: {} },
    spec: { replicas: 0, minReadySeconds: 0, paused: false, strategy: {}, template: { metadata: {}, spec: {
      containers: [{ name: 'c', image: '', ports: [{ containerPort: 0, name: '' }], resources: {} }],
    } } },
    status: {},
  });
  assert.deepEqual(decodeKubernetesProtobuf(b).object, {
    kind: 'Deployment', apiVersion: 'apps/v1', metadata: { name: 'web' },
    spec: { replicas: 0, strategy: {}, template: { metadata: {}, spec: { containers: [{ name: 'c', ports: [{ containerPort: 0 }], resources: {} }] } } },
    status: {},
  });
});

test('Time: empty or year-1 is absent, the epoch is a time; MicroTime keeps microseconds', () => {
  const mk = (creationTimestamp: unknown) => decodeKubernetesProtobuf(body('v1', 'Namespace', 'k8s.io.api.core.v1.Namespace', { metadata: { creationTimestamp } })).object;
  assert.deepEqual(mk({}), { kind: 'Namespace', apiVersion: 'v1', metadata: {} });
  assert.deepEqual(mk({ seconds: -62135596800, nanos: 0 }), { kind: 'Namespace', apiVersion: 'v1', metadata: {} });
  assert.deepEqual(mk({ seconds: 0 }), { kind: 'Namespace', apiVersion: 'v1', metadata: { creationTimestamp: '1970-01-01T00:00:00Z' } });
  assert.deepEqual(mk({ seconds: 1704164645, nanos: 999_000_000 }), { kind: 'Namespace', apiVersion: 'v1', metadata: { creationTimestamp: '2024-01-02T03:04:05Z' } });
  assert.deepEqual(parseTimestamp('2024-01-02T03:04:05.123456Z'), { seconds: 1704164645, nanos: 123_456_000 });
  assert.deepEqual(parseTimestamp('2024-01-02T05:04:05+02:00'), { seconds: 1704164645, nanos: 0 });
  assert.equal(parseTimestamp('yesterday'), undefined);
});

test('IntOrString, Quantity and bytes take their JSON forms', () => {
  const b = body('v1', 'Secret', 'k8s.io.api.core.v1.Secret', { data: { bin: Buffer.from([0, 255]) }, type: 'Opaque' });
  assert.deepEqual(decodeKubernetesProtobuf(b).object.data, { bin: 'AP8=' });
  const svc = decodeKubernetesProtobuf(body('v1', 'Service', 'k8s.io.api.core.v1.Service', { spec: { ports: [
    { port: 80, targetPort: { type: 0, intVal: 8080, strVal: '' } }, { port: 81, targetPort: { type: 1, intVal: 0, strVal: 'http' } },
    { port: 82, targetPort: {} },
  ] } })).object;
  assert.deepEqual((svc.spec as { ports: unknown[] }).ports, [{ port: 80, targetPort: 8080 }, { port: 81, targetPort: 'http' }, { port: 82, targetPort: 0 }]);
  const q = decodeKubernetesProtobuf(body('v1', 'ResourceQuota', 'k8s.io.api.core.v1.ResourceQuota', { spec: { hard: { cpu: { string: '1500m' } } } })).object;
  assert.deepEqual(q.spec, { hard: { cpu: '1500m' } });
});

test('inline Go structs flatten into the parent (volume sources, probe handlers, key selectors)', () => {
  const pod = decodeKubernetesProtobuf(body('v1', 'Pod', 'k8s.io.api.core.v1.Pod', { spec: {
    volumes: [{ name: 'v', volumeSource: { configMap: { localObjectReference: { name: 'cm' } } } }],
    containers: [{ name: 'c', livenessProbe: { handler: { tcpSocket: { port: { type: 0, intVal: 80 } } } } }],
  } })).object;
  assert.deepEqual(pod.spec, {
    volumes: [{ name: 'v', configMap: { name: 'cm' } }],
    containers: [{ name: 'c', livenessProbe: { tcpSocket: { port: 80 } } }],
  });
});

test('managedFields fieldsV1 is parsed JSON', () => {
  const fields = { 'f:data': { 'f:a': {} } };
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', managedFields: [{ manager: 'm', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: fields }] } };
  assert.deepEqual(decodeKubernetesProtobuf(encodeKubernetesProtobuf(obj)).object, obj);
});

test('encode rejects unknown fields and wrong types, naming the path', () => {
  assert.throws(() => encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { nam: 'x' } }),
    isStatus(400, 'BadRequest', /metadata\.nam: unknown field/));
  assert.throws(() => encodeKubernetesProtobuf({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 'two' } }),
    isStatus(400, 'BadRequest', /spec\.replicas: expected an integer/));
  assert.throws(() => encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'Secret', data: { a: 'not base64!' } }),
    isStatus(400, 'BadRequest', /data\["a"\]: expected base64/));
});

test('the envelope is what Go writes: typeMeta, raw, empty contentEncoding and contentType', () => {
  const b = encodeKubernetesProtobuf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } });
  const u = messageType('k8s.io.apimachinery.pkg.runtime.Unknown').decode(b.subarray(4)) as unknown as Record<string, unknown>;
  assert.deepEqual(u.typeMeta && { ...(u.typeMeta as object) }, { apiVersion: 'v1', kind: 'Namespace' });
  assert.equal(u.contentEncoding, '');
  assert.equal(u.contentType, '');
  const raw = u.raw as Uint8Array;
  const ns = messageType('k8s.io.api.core.v1.Namespace').decode(raw) as unknown as { metadata: { name: string } };
  assert.equal(ns.metadata.name, 'a');
  assert.ok(protobuf.util.isset(ns as unknown as object, 'metadata'));
});

test('Go durations format and parse like time.Duration', () => {
  for (const [ns, s] of [[0, '0s'], [1.5e9, '1.5s'], [3600e9, '1h0m0s'], [90e9, '1m30s'], [300e6, '300ms'], [-2e9, '-2s'], [1500, '1.5µs']] as const) {
    assert.equal(formatGoDuration(ns), s);
    assert.equal(parseGoDuration(s), ns);
  }
  assert.equal(parseGoDuration('1h30m'), 5400e9);
  assert.equal(parseGoDuration('soon'), undefined);
});
