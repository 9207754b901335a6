import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from '../../../src/api/patch/json-patch.js';
import { StatusError } from '../../../src/api/errors.js';

const doc = () => ({ metadata: { name: 'a', labels: { app: 'x' } }, spec: { replicas: 1, list: ['a', 'b'] } });

function rejected(patch: unknown, cause: string, target: unknown = doc()): void {
  assert.throws(() => applyJsonPatch(target, patch), (err: unknown) => {
    assert.ok(err instanceof StatusError);
    assert.equal(err.code, 422);
    assert.equal(err.reason, 'Invalid');
    assert.equal(err.message, 'the server rejected our request due to an error in our request');
    assert.deepEqual(err.details?.causes, [{ reason: 'UnexpectedServerResponse', message: cause }]);
    return true;
  });
}

describe('applyJsonPatch', () => {
  it('applies add, replace, remove, move, copy and test in order', () => {
    const out = applyJsonPatch(doc(), [
      { op: 'test', path: '/spec/replicas', value: 1 },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/metadata/labels/tier', value: 'fe' },
      { op: 'remove', path: '/metadata/labels/app' },
      { op: 'add', path: '/spec/list/-', value: 'c' },
      { op: 'add', path: '/spec/list/0', value: 'z' },
      { op: 'copy', from: '/metadata/name', path: '/metadata/generateName' },
      { op: 'move', from: '/spec/list', path: '/spec/items' },
    ]);
    assert.deepEqual(out, {
      metadata: { name: 'a', labels: { tier: 'fe' }, generateName: 'a' },
      spec: { replicas: 3, items: ['z', 'a', 'b', 'c'] },
    });
  });

  it('escapes ~1 and ~0 in paths', () => {
    const out = applyJsonPatch({ metadata: { annotations: {} } },
      [{ op: 'add', path: '/metadata/annotations/example.com~1a~0b', value: 'v' }]);
    assert.deepEqual(out, { metadata: { annotations: { 'example.com/a~b': 'v' } } });
  });

  it('never mutates the document or the patch', () => {
    const d = doc();
    const patch = [{ op: 'replace', path: '/spec/replicas', value: { deep: true } }];
    const out = applyJsonPatch(d, patch) as { spec: { replicas: { deep: boolean } } };
    assert.deepEqual(d, doc());
    out.spec.replicas.deep = false;
    assert.deepEqual(patch[0].value, { deep: true });
  });

  it('is atomic: a failing later op leaves no partial result', () => {
    const d = doc();
    assert.throws(() => applyJsonPatch(d, [{ op: 'replace', path: '/spec/replicas', value: 9 }, { op: 'test', path: '/spec/replicas', value: 1 }]));
    assert.equal(d.spec.replicas, 1);
  });

  it('a failed test is 422 with evanphx/json-patch text', () => {
    rejected([{ op: 'test', path: '/metadata/name', value: 'b' }], 'testing value /metadata/name failed: test failed');
  });

  it('add under a missing parent is 422', () => {
    rejected([{ op: 'add', path: '/status/phase', value: 'x' }],
      'add operation does not apply: doc is missing path: "/status/phase": missing value');
  });

  it('remove of a missing key is 422', () => {
    rejected([{ op: 'remove', path: '/metadata/labels/nope' }],
      "error in remove for path: '/metadata/labels/nope': Unable to remove nonexistent key: nope: missing value");
  });

  it('replace of a missing key is 422', () => {
    rejected([{ op: 'replace', path: '/metadata/namespace', value: 'x' }],
      'replace operation does not apply: doc is missing key: /metadata/namespace: missing value');
  });

  it('add past the end of an array is 422', () => {
    rejected([{ op: 'add', path: '/spec/list/5', value: 'x' }],
      "error in add for path: '/spec/list/5': Unable to access invalid index: 5: invalid index referenced");
  });

  it('move from a missing path is 422', () => {
    rejected([{ op: 'move', from: '/nope', path: '/x' }], 'move operation does not apply: doc is missing from path: /nope: missing value');
  });

  it('an unknown op is 422 "Unexpected kind"', () => {
    rejected([{ op: 'bad', path: '/a' }], 'Unexpected kind: bad');
    rejected([{ path: '/a' }], 'Unexpected kind: unknown');
  });

  it('a patch that is not an array is 400', () => {
    assert.throws(() => applyJsonPatch(doc(), { op: 'add' }), (err: unknown) => err instanceof StatusError
      && err.code === 400 && err.message === 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    assert.throws(() => applyJsonPatch(doc(), ['x']), (err: unknown) => err instanceof StatusError && err.code === 400);
  });

  it('more than 10000 operations is 413', () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/spec/replicas', value: 1 }));
    assert.throws(() => applyJsonPatch(doc(), ops), (err: unknown) => err instanceof StatusError && err.code === 413
      && err.reason === 'RequestEntityTooLarge'
      && err.message === 'The allowed maximum operations in a JSON patch is 10000, got 10001');
  });

  it('an empty patch returns an equal copy', () => {
    const d = doc();
    const out = applyJsonPatch(d, []);
    assert.deepEqual(out, d);
    assert.notEqual(out, d);
  });
});
