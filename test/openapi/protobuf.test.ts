/**
 * The protobuf `openapi.v2.Document` (gnostic OpenAPIv2.proto), read back
 * with a small wire-format decoder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_RESOURCES } from '../../src/api/resources.js';
import { OpenApiService } from '../../src/apiserver/openapi/index.js';
import { ProtoWriter, varint } from '../../src/apiserver/openapi/protobuf-writer.js';

type Field = { field: number; wire: number; value: number | Buffer };

function readVarint(buf: Buffer, pos: number): [number, number] {
  let result = 0; let mul = 1; let p = pos;
  for (;;) {
    const b = buf[p++]!;
    result += (b & 0x7f) * mul;
    if (b < 0x80) return [result, p];
    mul *= 128;
  }
}

/** Top-level fields of one message. */
function decode(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = readVarint(buf, pos);
    const field = Math.floor(key / 8); const wire = key % 8;
    if (wire === 0) { const [v, p2] = readVarint(buf, p1); out.push({ field, wire, value: v }); pos = p2; }
    else if (wire === 1) { out.push({ field, wire, value: buf.subarray(p1, p1 + 8) }); pos = p1 + 8; }
    else if (wire === 2) { const [len, p2] = readVarint(buf, p1); out.push({ field, wire, value: buf.subarray(p2, p2 + len) }); pos = p2 + len; }
    else throw new Error(`unexpected wire type ${wire} at ${pos}`);
  }
  return out;
}
const bytes = (fs: Field[], n: number): Buffer[] => fs.filter((f) => f.field === n).map((f) => f.value as Buffer);
const str = (fs: Field[], n: number): string | undefined => bytes(fs, n)[0]?.toString('utf8');

test('varint and writer basics', () => {
  assert.deepEqual([...varint(0)], [0]);
  assert.deepEqual([...varint(300)], [0xac, 0x02]);
  assert.deepEqual([...varint(2 ** 35)], [...varint(2 ** 35)]);
  assert.equal(readVarint(varint(2 ** 40 + 5), 0)[0], 2 ** 40 + 5);
  const m = new ProtoWriter().string(1, 'a').string(2, '').bool(3, false).bool(4, true).int64(5, 7).double(6, 1.5).message(7, Buffer.alloc(0)).finish();
  const f = decode(m);
  assert.deepEqual(f.map((x) => x.field), [1, 4, 5, 6, 7]);
  assert.equal((f[3]!.value as Buffer).readDoubleLE(0), 1.5);
});

test('the v2 document decodes: swagger, info, definitions with descriptions and extensions, paths', () => {
  const svc = new OpenApiService(BUILTIN_RESOURCES);
  const doc = decode(svc.v2Protobuf());
  assert.equal(str(doc, 1), '2.0');
  const info = decode(bytes(doc, 2)[0]!);
  assert.equal(str(info, 1), 'Kubernetes');

  const named = bytes(decode(bytes(doc, 9)[0]!), 1).map(decode);
  assert.equal(named.length, Object.keys(svc.definitions()).length);
  const deployment = named.find((n) => str(n, 1) === 'io.k8s.api.apps.v1.Deployment');
  assert.ok(deployment);
  const schema = decode(bytes(deployment, 2)[0]!);
  assert.equal(str(schema, 4), 'Deployment enables declarative updates for Pods and ReplicaSets.');
  assert.deepEqual(bytes(decode(bytes(schema, 22)[0]!), 1).map(String), ['object']);
  const ext = bytes(schema, 31).map(decode);
  const gvk = ext.find((e) => str(e, 1) === 'x-kubernetes-group-version-kind');
  assert.ok(gvk);
  assert.deepEqual(JSON.parse(str(decode(bytes(gvk, 2)[0]!), 2)!), [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  const props = bytes(decode(bytes(schema, 25)[0]!), 1).map(decode);
  const spec = props.find((p) => str(p, 1) === 'spec');
  assert.equal(str(decode(bytes(spec!, 2)[0]!), 1), '#/definitions/io.k8s.api.apps.v1.DeploymentSpec');

  const paths = bytes(decode(bytes(doc, 8)[0]!), 2).map(decode);
  const item = paths.find((p) => str(p, 1) === '/apis/apps/v1/namespaces/{namespace}/deployments/{name}');
  assert.ok(item);
  const patch = decode(bytes(decode(bytes(item, 2)[0]!), 8)[0]!);
  assert.equal(str(patch, 5), 'patchAppsV1NamespacedDeployment');
  const paramNames = bytes(patch, 8).map((pi) => {
    const parameter = decode(bytes(decode(pi), 1)[0]!);
    const nonBody = bytes(parameter, 2)[0];
    if (!nonBody) return 'body';
    return str(decode(bytes(decode(nonBody), 3)[0]!), 4);
  });
  assert.deepEqual(paramNames, ['body', 'dryRun', 'fieldManager', 'fieldValidation', 'force']);
});
