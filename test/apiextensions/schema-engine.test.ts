/** The custom-resource schema engine: pruning, defaulting and validation with upstream's paths and texts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorMessage, type FieldError } from '../../src/api/field-errors.js';
import { compileSchema } from '../../src/api/apiextensions/compiled-schema.js';
import type { JSONSchemaProps } from '../../src/api/apiextensions/types.js';

const lines = (errs: FieldError[]): string[] => errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`);
const root = (spec: Record<string, JSONSchemaProps>, extra: JSONSchemaProps = {}): JSONSchemaProps =>
  ({ type: 'object', properties: { spec: { type: 'object', properties: spec, ...extra } } });
const check = (schema: JSONSchemaProps, spec: unknown): string[] => lines(compileSchema(schema).validate({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n' }, spec }));

test('prune removes unknown fields and reports their paths', () => {
  const c = compileSchema(root({
    a: { type: 'string' },
    list: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
    labels: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'string' } } } },
  }));
  const obj: Record<string, unknown> = {
    apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n', whatever: 1 }, status: {},
    spec: { a: 'x', b: 1, list: [{ name: 'a', extra: true }], labels: { k: { v: 'x', w: 'y' } } },
  };
  assert.deepEqual(c.prune(obj), ['status', 'spec.b', 'spec.list[0].extra', 'spec.labels[k].w']);
  assert.deepEqual(obj, {
    apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n', whatever: 1 },
    spec: { a: 'x', list: [{ name: 'a' }], labels: { k: { v: 'x' } } },
  });
});

test('prune keeps everything under x-kubernetes-preserve-unknown-fields, but prunes its specified fields', () => {
  const c = compileSchema(root({
    raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { typed: { type: 'object', properties: { a: { type: 'string' } } } } },
  }));
  const obj: Record<string, unknown> = { spec: { raw: { anything: { deep: [1, { x: 2 }] }, typed: { a: 'x', b: 'y' } } } };
  assert.deepEqual(c.prune(obj), ['spec.raw.typed.b']);
  assert.deepEqual(obj, { spec: { raw: { anything: { deep: [1, { x: 2 }] }, typed: { a: 'x' } } } });
  const open = compileSchema({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  const o2: Record<string, unknown> = { spec: { x: 1 }, other: true };
  assert.deepEqual(open.prune(o2), []);
  assert.deepEqual(o2, { spec: { x: 1 }, other: true });
});

test('prune keeps apiVersion, kind and metadata of embedded resources', () => {
  const c = compileSchema(root({
    template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } },
  }));
  const obj: Record<string, unknown> = { spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: { a: 'b' } }, spec: { a: 'x', b: 'y' }, junk: 1 } } };
  assert.deepEqual(c.prune(obj), ['spec.template.spec.b', 'spec.template.junk']);
  assert.deepEqual(obj, { spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: { a: 'b' } }, spec: { a: 'x' } } } });
});

test('defaults: nested objects, defaulted objects get their own defaults, arrays and maps', () => {
  const c = compileSchema(root({
    replicas: { type: 'integer', default: 1 },
    strategy: { type: 'object', default: {}, properties: { type: { type: 'string', default: 'Rolling' }, max: { type: 'integer' } } },
    ports: { type: 'array', items: { type: 'object', properties: { protocol: { type: 'string', default: 'TCP' }, port: { type: 'integer' } } } },
    byName: { type: 'object', additionalProperties: { type: 'object', properties: { weight: { type: 'integer', default: 10 } } } },
    tags: { type: 'array', items: { type: 'string', default: 'none' } },
    keep: { type: 'string', default: 'd' },
    gone: { type: 'string' },
  }));
  const obj: Record<string, unknown> = { spec: { ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }], byName: { a: {} }, tags: ['x', null], keep: 'set', gone: null } };
  c.applyDefaults(obj);
  assert.deepEqual(obj, { spec: {
    replicas: 1, strategy: { type: 'Rolling' },
    ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
    byName: { a: { weight: 10 } }, tags: ['x', 'none'], keep: 'set',
  } });
  const again = structuredClone(obj);
  c.applyDefaults(again);
  assert.deepEqual(again, obj);
});

test('defaults fill a non-nullable null but keep a nullable one', () => {
  const c = compileSchema(root({ a: { type: 'string', default: 'x' }, b: { type: 'string', nullable: true, default: 'y' } }));
  const obj: Record<string, unknown> = { spec: { a: null, b: null } };
  c.applyDefaults(obj);
  assert.deepEqual(obj, { spec: { a: 'x', b: null } });
});

test('type errors name the JSON type found', () => {
  const s = root({ replicas: { type: 'integer' }, name: { type: 'string' }, on: { type: 'boolean' }, list: { type: 'array', items: { type: 'string' } }, obj: { type: 'object' }, n: { type: 'number' } });
  assert.deepEqual(check(s, { replicas: 'string', name: 5, on: 'yes', list: {}, obj: [], n: 1 }), [
    'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    'spec.name: Invalid value: "integer": spec.name in body must be of type string: "integer"',
    'spec.on: Invalid value: "string": spec.on in body must be of type boolean: "string"',
    'spec.list: Invalid value: "object": spec.list in body must be of type array: "object"',
    'spec.obj: Invalid value: "array": spec.obj in body must be of type object: "array"',
  ]);
  assert.deepEqual(check(s, { replicas: 1.5 }), ['spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"']);
  assert.deepEqual(check(s, 'x'), ['spec: Invalid value: "string": spec in body must be of type object: "string"']);
});

test('required, enum, pattern, lengths, bounds', () => {
  const s = root({
    mode: { type: 'string', enum: ['a', 'b'] },
    level: { type: 'integer', enum: [1, 2] },
    id: { type: 'string', pattern: '^[a-z]+$', minLength: 2, maxLength: 4 },
    replicas: { type: 'integer', minimum: 1, maximum: 10 },
    ratio: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: true },
    items: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } }, minItems: 1, maxItems: 2 },
    even: { type: 'integer', multipleOf: 2 },
  }, { required: ['mode', 'cronSpec'] });
  assert.deepEqual(check(s, { mode: 'c', level: 3 }), [
    'spec.mode: Unsupported value: "c": supported values: "a", "b"',
    'spec.level: Unsupported value: 3: supported values: "1", "2"',
    'spec.cronSpec: Required value',
  ]);
  assert.deepEqual(check(s, { mode: 'a', cronSpec: '', id: 'ABCDE' }), [
    'spec.id: Too long: must have at most 4 bytes',
    "spec.id: Invalid value: \"ABCDE\": spec.id in body should match '^[a-z]+$'",
  ]);
  assert.deepEqual(check(s, { mode: 'a', cronSpec: '', id: 'a', replicas: 0, ratio: 1, even: 3 }), [
    'spec.id: Invalid value: "a": spec.id in body should be at least 2 chars long',
    'spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1',
    'spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1',
    'spec.even: Invalid value: 3: spec.even in body should be a multiple of 2',
  ]);
  assert.deepEqual(check(s, { mode: 'a', cronSpec: '', replicas: 11, ratio: 0, items: [{}, { name: 'x' }, { name: 'y' }] }), [
    'spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10',
    'spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0',
    'spec.items[0].name: Required value',
    'spec.items: Too many: must have at most 2 items',
  ]);
  assert.deepEqual(check(s, { mode: 'a', cronSpec: '', items: [] }), ['spec.items: Invalid value: 0: spec.items in body should have at least 1 items']);
});

test('nullable: null allowed only where the schema says so', () => {
  const s = root({ a: { type: 'string' }, b: { type: 'string', nullable: true }, c: { type: 'object', nullable: true, properties: { d: { type: 'integer' } } } });
  assert.deepEqual(check(s, { a: null, b: null, c: null }), ['spec.a: Invalid value: "null": spec.a in body must be of type string: "null"']);
  assert.deepEqual(check(s, { c: { d: 'x' } }), ['spec.c.d: Invalid value: "string": spec.c.d in body must be of type integer: "string"']);
});

test('x-kubernetes-int-or-string accepts integers and strings only', () => {
  const s = root({ port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: '^\\d+%?$' } });
  assert.deepEqual(check(s, { port: 80 }), []);
  assert.deepEqual(check(s, { port: '25%' }), []);
  const bad = check(s, { port: 1.5 });
  assert.equal(bad[0], 'spec.port: Invalid value: "number": spec.port in body must be of type integer,string: "number"');
  assert.deepEqual(check(s, { port: 'x' }), ["spec.port: Invalid value: \"x\": spec.port in body should match '^\\d+%?$'"]);
});

test('formats upstream validates; int32 and friends are not checked', () => {
  const s = root({ at: { type: 'string', format: 'date-time' }, day: { type: 'string', format: 'date' }, n: { type: 'integer', format: 'int32' }, ip: { type: 'string', format: 'ipv4' }, b: { type: 'string', format: 'byte' } });
  assert.deepEqual(check(s, { at: '2024-01-02T03:04:05Z', day: '2024-02-29', n: 2 ** 40, ip: '10.0.0.1', b: 'aGVsbG8=' }), []);
  assert.deepEqual(check(s, { at: 'yesterday', day: '2023-02-29', ip: '10.0.0', b: 'not base64!' }), [
    'spec.at: Invalid value: "yesterday": spec.at in body must be of type date-time: "yesterday"',
    'spec.day: Invalid value: "2023-02-29": spec.day in body must be of type date: "2023-02-29"',
    'spec.ip: Invalid value: "10.0.0": spec.ip in body must be of type ipv4: "10.0.0"',
    'spec.b: Invalid value: "not base64!": spec.b in body must be of type byte: "not base64!"',
  ]);
});

test('oneOf/anyOf/not are reported as upstream does, with <nil> field', () => {
  const s = root({ a: { type: 'string' }, b: { type: 'string' } }, { oneOf: [{ required: ['a'] }, { required: ['b'] }], not: { required: ['c'] } });
  assert.deepEqual(check(s, {}), [
    '<nil>: Invalid value: "": "spec" must validate one and only one schema (oneOf). Found none valid',
    'spec.a: Required value',
  ]);
  assert.deepEqual(check(s, { a: 'x', b: 'y' }), ['<nil>: Invalid value: "": "spec" must validate one and only one schema (oneOf). Found 2 valid alternatives']);
  const any = root({ a: { type: 'integer' } }, { anyOf: [{ properties: { a: { minimum: 5 } } }, { properties: { a: { maximum: 1 } } }] });
  assert.deepEqual(check(any, { a: 3 }), [
    '<nil>: Invalid value: "": "spec" must validate at least one schema (anyOf)',
    'spec.a: Invalid value: 3: spec.a in body should be greater than or equal to 5',
  ]);
  const all = root({ a: { type: 'integer' } }, { allOf: [{ properties: { a: { minimum: 5 } } }, { properties: { a: { maximum: 1 } } }] });
  assert.deepEqual(check(all, { a: 3 }), [
    'spec.a: Invalid value: 3: spec.a in body should be greater than or equal to 5',
    'spec.a: Invalid value: 3: spec.a in body should be less than or equal to 1',
    '<nil>: Invalid value: "": "spec" must validate all the schemas (allOf). None validated',
  ]);
});

test('x-kubernetes-list-type set and map: duplicates', () => {
  const s = root({
    tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
    ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port'], items: { type: 'object', required: ['port'], properties: { port: { type: 'integer' }, name: { type: 'string' } } } },
  });
  const errs = compileSchema(s).validate({ spec: { tags: ['a', 'b', 'a', 'a'], ports: [{ port: 1, name: 'x' }, { port: 1, name: 'y' }, { port: 2 }] } });
  assert.deepEqual(errs.map((e) => [e.type, e.field, e.value]), [
    ['FieldValueDuplicate', 'spec.tags[2]', 'a'],
    ['FieldValueDuplicate', 'spec.ports[1]', { port: 1 }],
  ]);
});

test('root metadata is left to ObjectMeta validation except name restrictions', () => {
  const s: JSONSchemaProps = { type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 5 } } } } };
  const c = compileSchema(s);
  assert.deepEqual(c.validate({ metadata: { name: 'short', labels: { a: 'b' }, generation: 3 } }), []);
  assert.deepEqual(lines(c.validate({ metadata: { name: 'too-long' } })), ['metadata.name: Too long: must have at most 5 bytes']);
});

test('compileSchema compiles once and is reused; undefined schema preserves and accepts everything', () => {
  const c = compileSchema(undefined);
  const obj: Record<string, unknown> = { spec: { anything: [1] } };
  assert.deepEqual(c.prune(obj), []);
  assert.deepEqual(c.validate(obj), []);
});
