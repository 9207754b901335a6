import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf } from '../../src/api/protobuf/index.js';
import { FIXTURES } from './fixtures.js';

for (const [name, obj] of Object.entries(FIXTURES)) {
  test(`round trip JSON → protobuf → JSON: ${name}`, () => {
    const body = encodeKubernetesProtobuf(obj);
    assert.deepEqual([...body.subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00]);
    const got = decodeKubernetesProtobuf(body);
    assert.equal(got.apiVersion, obj.apiVersion);
    assert.equal(got.kind, obj.kind);
    assert.deepEqual(got.object, obj);
    assert.deepEqual(decodeKubernetesProtobuf(encodeKubernetesProtobuf(got.object)).object, obj, 'stable on a second pass');
  });
}
