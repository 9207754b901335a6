import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from '../../../src/api/patch/strategic-merge-patch.js';
import { StatusError } from '../../../src/api/errors.js';
import { deploymentSchema, mergeItemSchema } from './fixtures.js';

type Json = Record<string, unknown>;

const smp = (original: Json, patch: unknown): Json => applyStrategicMergePatch(original, patch, mergeItemSchema);

function throwsStatus(fn: () => unknown, code: number, reason: string, message: RegExp | string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StatusError, `expected StatusError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.reason, reason);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

/** Golden cases from upstream's customStrategicMergePatchTestCaseData (original + twoWay → modified). */
const customCases: { description: string; original: Json; twoWay: Json; modified: Json }[] = [
  { description: 'unique scalars when merging lists',
    original: { mergingIntList: [1, 2] }, twoWay: { mergingIntList: [2, 3] }, modified: { mergingIntList: [1, 2, 3] } },
  { description: 'delete map from nested map',
    original: { simpleMap: { key1: 1, key2: 1 } }, twoWay: { simpleMap: { $patch: 'delete' } }, modified: { simpleMap: {} } },
  { description: 'delete all items from merging list',
    original: { mergingList: [{ name: 1 }, { name: 2 }] }, twoWay: { mergingList: [{ $patch: 'replace' }] },
    modified: { mergingList: [] } },
  { description: 'merge empty merging lists',
    original: { mergingList: [] }, twoWay: { mergingList: [] }, modified: { mergingList: [] } },
  { description: 'delete all keys from map',
    original: { name: 1, value: 1 }, twoWay: { $patch: 'replace' }, modified: {} },
  { description: 'add key and delete all keys from map',
    original: { name: 1, value: 1 }, twoWay: { other: 'a', $patch: 'replace' }, modified: { other: 'a' } },
  { description: 'delete all duplicate entries in a merging list',
    original: { mergingList: [{ name: 1 }, { name: 1 }, { name: 2, value: 'a' }, { name: 3 }, { name: 3 }] },
    twoWay: { mergingList: [{ name: 1, $patch: 'delete' }, { name: 3, $patch: 'delete' }] },
    modified: { mergingList: [{ name: 2, value: 'a' }] } },
  { description: 'retainKeys map can add a field when no retainKeys directive present',
    original: { retainKeysMap: { name: 'foo' } }, twoWay: { retainKeysMap: { value: 'bar' } },
    modified: { retainKeysMap: { name: 'foo', value: 'bar' } } },
  { description: 'retainKeys map can delete a field when no retainKeys directive present',
    original: { retainKeysMap: { name: 'foo', value: 'a' } }, twoWay: { retainKeysMap: { value: null } },
    modified: { retainKeysMap: { name: 'foo' } } },
  { description: 'retainKeys map merge an empty map',
    original: { retainKeysMap: { name: 'foo', value: 'a' } }, twoWay: { retainKeysMap: {} },
    modified: { retainKeysMap: { name: 'foo', value: 'a' } } },
  { description: 'retainKeys list can delete a field when no retainKeys directive present',
    original: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'a' }] },
    twoWay: { retainKeysMergingList: [{ name: 'foo', value: null }] },
    modified: { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo' }] } },
  { description: 'preserve the order from the patch in a merging list',
    original: { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    twoWay: { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, other: 'x' }] },
    modified: { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }, { name: 2, value: 'b', other: 'x' }] } },
  { description: 'preserve the order from the patch in a merging list 2',
    original: { mergingList: [{ name: 1 }, { name: 2, value: 'b' }, { name: 3 }] },
    twoWay: { mergingList: [{ name: 3, value: 'c' }, { name: 1, value: 'a' }] },
    modified: { mergingList: [{ name: 2, value: 'b' }, { name: 3, value: 'c' }, { name: 1, value: 'a' }] } },
  { description: 'preserve the order from the patch in a merging int list',
    original: { mergingIntList: [1, 2, 3] }, twoWay: { mergingIntList: [3, 1, 2] }, modified: { mergingIntList: [3, 1, 2] } },
  { description: 'preserve the order from the patch in a merging int list (partial)',
    original: { mergingIntList: [1, 2, 3] }, twoWay: { mergingIntList: [3, 1] }, modified: { mergingIntList: [2, 3, 1] } },
  { description: '$setElementOrder contains item that is not present in the list to be merged',
    original: { mergingList: [{ name: 1 }, { name: 3 }] },
    twoWay: { '$setElementOrder/mergingList': [{ name: 3 }, { name: 2 }, { name: 1 }],
      mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] },
    modified: { mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }] } },
  { description: '$setElementOrder contains item that is not present in the int list to be merged',
    original: { mergingIntList: [1, 3] }, twoWay: { '$setElementOrder/mergingIntList': [3, 2, 1] },
    modified: { mergingIntList: [3, 1] } },
  { description: '$deleteFromPrimitiveList of nonexistent item should not add the item',
    original: { mergingIntList: [1, 2] }, twoWay: { '$deleteFromPrimitiveList/mergingIntList': [3] },
    modified: { mergingIntList: [1, 2] } },
  { description: '$deleteFromPrimitiveList on nonexistent primitive list should not add the list',
    original: { foo: ['bar'] }, twoWay: { '$deleteFromPrimitiveList/mergingIntList': [3] }, modified: { foo: ['bar'] } },
  { description: '$deleteFromPrimitiveList deletes from a list with merge patch strategy',
    original: { mergingIntList: [1, 2, 3] }, twoWay: { '$deleteFromPrimitiveList/mergingIntList': [2] },
    modified: { mergingIntList: [1, 3] } },
  { description: '$deleteFromPrimitiveList deletes from a list without merge patch strategy',
    original: { nonMergingIntList: [1, 2, 3] }, twoWay: { '$deleteFromPrimitiveList/nonMergingIntList': [2] },
    modified: { nonMergingIntList: [1, 3] } },
];

/** Golden cases from upstream's strategicMergePatchRawTestCases (current + threeWay → result). */
const threeWayCases: { description: string; current: Json; threeWay: Json; result: Json }[] = [
  { description: 'nested patch merge with empty list',
    current: { name: 'hi', mergingList: [{ name: 'hello2' }] },
    threeWay: { '$setElementOrder/mergingList': [{ name: 'hello' }, { name: 'doesntexist' }],
      mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'doesntexist' }] },
    result: { name: 'hi', mergingList: [{ name: 'hello' }, { name: 'hello2' }] } },
  { description: 'delete items in lists of scalars',
    current: { mergingIntList: [1, 2, 3, 4] },
    threeWay: { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    result: { mergingIntList: [1, 2, 4] } },
  { description: 'delete all duplicate items in lists of scalars',
    current: { mergingIntList: [1, 2, 3, 3, 4] },
    threeWay: { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    result: { mergingIntList: [1, 2, 4] } },
  { description: 'merge lists of maps',
    current: { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }] },
    threeWay: { '$setElementOrder/mergingList': [{ name: 4 }, { name: 1 }, { name: 2 }, { name: 3 }],
      mergingList: [{ name: 4, value: 4 }, { name: 3, value: 3 }] },
    result: { mergingList: [{ name: 4, value: 4 }, { name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' },
      { name: 3, value: 3 }] } },
  { description: 'merge lists of maps with conflict',
    current: { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 3, other: 'b' }] },
    threeWay: { '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }],
      mergingList: [{ name: 2, value: 2 }, { name: 3, value: 3 }] },
    result: { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }, { name: 3, value: 3 }] } },
  { description: 'add field and delete field from map',
    current: { name: 1, other: 'a' }, threeWay: { name: null, value: 1 }, result: { value: 1, other: 'a' } },
  { description: 'delete field from nested map',
    current: { simpleMap: { key1: 1, key2: 1, other: 'a' } }, threeWay: { simpleMap: { key2: null } },
    result: { simpleMap: { key1: 1, other: 'a' } } },
  { description: 'replace list of scalars',
    current: { nonMergingIntList: [1, 2] }, threeWay: { nonMergingIntList: [2, 3] }, result: { nonMergingIntList: [2, 3] } },
  { description: 'delete all maps from merging list with conflict',
    current: { mergingList: [{ name: 1, other: 'a' }, { name: 2, other: 'b' }] },
    threeWay: { mergingList: [{ name: 1, $patch: 'delete' }, { name: 2, $patch: 'delete' }] },
    result: { mergingList: [] } },
  { description: 'defined null values should propagate removing original fields',
    current: { name: 'original-name', value: 'original-value', other: 'current-other' },
    threeWay: { name: 'modified-name', value: null },
    result: { name: 'modified-name', other: 'current-other' } },
];

describe('strategic merge patch: upstream golden cases', () => {
  for (const c of customCases) {
    it(c.description, () => assert.deepEqual(smp(c.original, c.twoWay), c.modified));
  }
  for (const c of threeWayCases) {
    it(c.description, () => assert.deepEqual(smp(c.current, c.threeWay), c.result));
  }

  it('should check if order in $setElementOrder and patch list match', () => {
    throwsStatus(() => smp({ mergingList: [{ name: 1 }, { name: 3 }, { name: 2 }] }, {
      '$setElementOrder/mergingList': [{ name: 1 }, { name: 2 }, { name: 3 }],
      mergingList: [{ name: 3, value: 3 }, { name: 1, value: 1 }],
    }), 400, 'BadRequest', /doesn't match \$setElementOrder list/);
  });

  it('should check order for int lists too', () => {
    throwsStatus(() => smp({ mergingIntList: [1, 3, 2] }, {
      '$setElementOrder/mergingIntList': [1, 2, 3], mergingIntList: [3, 1],
    }), 400, 'BadRequest', 'the order in patch list:\n[3 1]\n doesn\'t match $setElementOrder list:\n[1 2 3]');
  });

  it('missing merge key should error out', () => {
    throwsStatus(() => smp({ mergingList: [{ name: 1, value: 'a' }] }, { mergingList: [{ value: 'b' }] }),
      400, 'BadRequest', 'map: map[value:b] does not contain declared merge key: name');
  });
});

describe('strategic merge patch: directives', () => {
  it('$patch: replace on a nested map replaces it', () => {
    assert.deepEqual(smp({ simpleMap: { a: '1', b: '2' } }, { simpleMap: { $patch: 'replace', c: '3' } }),
      { simpleMap: { c: '3' } });
  });

  it('patchStrategy replace on a map field replaces it whole', () => {
    assert.deepEqual(smp({ replacingItem: { a: 1, b: 2 } }, { replacingItem: { c: 3 } }), { replacingItem: { c: 3 } });
  });

  it('$patch: merge on a map is refused, as upstream', () => {
    throwsStatus(() => smp({ simpleMap: { a: '1' } }, { simpleMap: { $patch: 'merge', b: '2' } }),
      400, 'BadRequest', 'unknown patch type: merge in map: map[$patch:merge b:2]');
  });

  it('$patch: merge as a list item is refused, as upstream', () => {
    throwsStatus(() => smp({ mergingList: [{ name: 'a' }] }, { mergingList: [{ $patch: 'merge' }] }),
      400, 'BadRequest', 'merging lists cannot yet be specified in the patch');
  });

  it('$patch: delete list item without the merge key fails', () => {
    throwsStatus(() => smp({ mergingList: [{ name: 'a' }] }, { mergingList: [{ $patch: 'delete' }] }),
      400, 'BadRequest', 'map: map[$patch:delete] does not contain declared merge key: name');
  });

  it('$patch: replace list item keeps only the other patch items, in their order', () => {
    assert.deepEqual(smp({ mergingList: [{ name: 'a' }, { name: 'b' }] },
      { mergingList: [{ name: 'c' }, { $patch: 'replace' }, { name: 'a', value: 'x' }] }),
    { mergingList: [{ name: 'c' }, { name: 'a', value: 'x' }] });
  });

  it('$retainKeys drops the keys it does not list', () => {
    assert.deepEqual(smp({ retainKeysMap: { name: 'foo', value: 'a', other: 'b' } },
      { retainKeysMap: { $retainKeys: ['name', 'other'], other: 'c' } }),
    { retainKeysMap: { name: 'foo', other: 'c' } });
  });

  it('$retainKeys must list every patched key', () => {
    throwsStatus(() => smp({ retainKeysMap: { name: 'foo' } }, { retainKeysMap: { $retainKeys: ['name'], value: 'x' } }),
      400, 'BadRequest', 'invalid patch format of retainKeys');
  });

  it('$retainKeys must be a list', () => {
    throwsStatus(() => smp({ retainKeysMap: { name: 'foo' } }, { retainKeysMap: { $retainKeys: 'name' } }),
      400, 'BadRequest', 'invalid patch format of retainKeys');
  });

  it('$retainKeys inside merging list items', () => {
    assert.deepEqual(smp({ retainKeysMergingList: [{ name: 'a', value: 'v', other: 'o' }] },
      { retainKeysMergingList: [{ name: 'a', $retainKeys: ['name', 'other'] }] }),
    { retainKeysMergingList: [{ name: 'a', other: 'o' }] });
  });

  it('a malformed $deleteFromPrimitiveList key is 400', () => {
    throwsStatus(() => smp({ mergingIntList: [1] }, { $deleteFromPrimitiveListmergingIntList: [1] }),
      400, 'BadRequest', 'invalid patch format of primitive list');
  });

  it('a $setElementOrder that is not a list is 400', () => {
    throwsStatus(() => smp({ mergingIntList: [1] }, { '$setElementOrder/mergingIntList': 'x' }),
      400, 'BadRequest', 'expected a []interface {}, but received a string');
  });

  it('lists of lists are 422, as upstream', () => {
    throwsStatus(() => smp({ mergingIntList: [[1]] }, { mergingIntList: [[2]] }), 422, 'Invalid',
      'the server rejected our request due to an error in our request');
    try {
      smp({ mergingIntList: [[1]] }, { mergingIntList: [[2]] });
    } catch (err) {
      assert.deepEqual((err as StatusError).details?.causes, [{ reason: 'UnexpectedServerResponse', message: 'lists of lists are not supported' }]);
    }
  });

  it('a new field holding a $patch map is dropped, as upstream removeDirectives does', () => {
    assert.deepEqual(smp({ name: 'a' }, { simpleMap: { $patch: 'delete' } }), { name: 'a' });
  });

  it('a new merging list loses its $patch items', () => {
    assert.deepEqual(smp({}, { mergingList: [{ name: 'a' }, { name: 'b', $patch: 'delete' }] }),
      { mergingList: [{ name: 'a' }] });
  });

  it('non-object patches are 400', () => {
    throwsStatus(() => smp({}, [1]), 400, 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  });

  it('a null patch changes nothing', () => {
    assert.deepEqual(smp({ name: 'a' }, null), { name: 'a' });
  });

  it('does not mutate its inputs', () => {
    const original = { mergingList: [{ name: 'a', value: '1' }], simpleMap: { k: 'v' } };
    const patch = { mergingList: [{ name: 'a', value: null }, { name: 'b' }], simpleMap: { k: null } };
    const o = structuredClone(original);
    const p = structuredClone(patch);
    smp(original, patch);
    assert.deepEqual(original, o);
    assert.deepEqual(patch, p);
  });
});

const deployment = (): Json => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web', tier: 'fe' }, finalizers: ['a', 'b', 'c'] },
  spec: {
    replicas: 1,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{
          name: 'app', image: 'nginx:1', args: ['a', 'b'],
          env: [{ name: 'A', value: '1' }, { name: 'B', value: '1' }, { name: 'C', value: '1' }],
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          resources: { limits: { cpu: '1' } },
        }, { name: 'sidecar', image: 'busybox' }],
        volumes: [{ name: 'data', emptyDir: {} }],
        tolerations: [{ key: 'x', operator: 'Exists' }],
      },
    },
  },
});

const podSpec = (d: Json): Json => ((d.spec as Json).template as Json).spec as Json;
const containers = (d: Json): Json[] => podSpec(d).containers as Json[];
const apply = (patch: unknown): Json => applyStrategicMergePatch(deployment(), patch, deploymentSchema);

describe('strategic merge patch: Deployment with the built-in patch metadata', () => {
  it('merges the env list kubectl apply sends, ordered by $setElementOrder', () => {
    const out = apply({ spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'app' }],
      containers: [{ '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }], env: [{ name: 'B', value: '2' }], name: 'app' }],
    } } } });
    const app = containers(out)[0];
    assert.deepEqual(app.env, [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'C', value: '1' }]);
    assert.equal(app.image, 'nginx:1');
    assert.deepEqual(containers(out).map((c) => c.name), ['app', 'sidecar']);
  });

  it('reorders containers by $setElementOrder and appends a new one without directive keys', () => {
    const out = apply({ spec: { template: { spec: {
      '$setElementOrder/containers': [{ name: 'new' }, { name: 'sidecar' }, { name: 'app' }],
      containers: [{ name: 'new', image: 'redis', '$setElementOrder/env': [{ name: 'X' }], env: [{ name: 'X', value: 'y' }] }],
    } } } });
    assert.deepEqual(containers(out).map((c) => c.name), ['new', 'sidecar', 'app']);
    assert.deepEqual(containers(out)[0], { name: 'new', image: 'redis', env: [{ name: 'X', value: 'y' }] });
  });

  it('deletes a container with $patch: delete', () => {
    const out = apply({ spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } });
    assert.deepEqual(containers(out).map((c) => c.name), ['app']);
  });

  it('null in a list item field deletes that field of the matching item', () => {
    const out = apply({ spec: { template: { spec: { containers: [{ name: 'app', resources: null, args: null }] } } } });
    assert.equal(containers(out)[0].resources, undefined);
    assert.equal(containers(out)[0].args, undefined);
    assert.equal(containers(out)[0].image, 'nginx:1');
  });

  it('merges container ports by containerPort', () => {
    const out = apply({ spec: { template: { spec: { containers: [{ name: 'app',
      ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] } } } });
    assert.deepEqual(containers(out)[0].ports, [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443 }]);
  });

  it('replaces lists without a patch strategy (args, tolerations)', () => {
    const out = apply({ spec: { template: { spec: {
      containers: [{ name: 'app', args: ['c'] }], tolerations: [{ key: 'y', operator: 'Exists' }],
    } } } });
    assert.deepEqual(containers(out)[0].args, ['c']);
    assert.deepEqual(podSpec(out).tolerations, [{ key: 'y', operator: 'Exists' }]);
  });

  it('$deleteFromPrimitiveList/finalizers removes finalizers, the set merge adds them', () => {
    // Without $setElementOrder, a new item the server has never seen sorts first (upstream's mergeSortedSlice).
    const out = apply({ metadata: { '$deleteFromPrimitiveList/finalizers': ['b'], finalizers: ['d'] } });
    assert.deepEqual((out.metadata as Json).finalizers, ['d', 'a', 'c']);
    const ordered = apply({ metadata: { '$setElementOrder/finalizers': ['a', 'c', 'd'],
      '$deleteFromPrimitiveList/finalizers': ['b'], finalizers: ['d'] } });
    assert.deepEqual((ordered.metadata as Json).finalizers, ['a', 'c', 'd']);
  });

  it('finalizers merge as a set', () => {
    const out = apply({ metadata: { finalizers: ['c', 'a', 'z'] } });
    assert.deepEqual((out.metadata as Json).finalizers, ['b', 'c', 'a', 'z']);
  });

  it('$retainKeys on the retainKeys strategy clears rollingUpdate when switching to Recreate', () => {
    const out = apply({ spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } });
    assert.deepEqual((out.spec as Json).strategy, { type: 'Recreate' });
  });

  it('$retainKeys in a volume item swaps the volume source', () => {
    const out = apply({ spec: { template: { spec: {
      '$setElementOrder/volumes': [{ name: 'data' }],
      volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cfg' }, emptyDir: null, name: 'data' }],
    } } } });
    assert.deepEqual(podSpec(out).volumes, [{ name: 'data', configMap: { name: 'cfg' } }]);
  });

  it('labels merge and null deletes a label', () => {
    const out = apply({ metadata: { labels: { tier: null, env: 'prod' } } });
    assert.deepEqual((out.metadata as Json).labels, { app: 'web', env: 'prod' });
  });

  it('fields unknown to the schema merge as maps and replace as lists', () => {
    const original = { ...deployment(), extra: { a: 1, list: [{ name: 'x', v: 1 }] } };
    const out = applyStrategicMergePatch(original, { extra: { b: 2, list: [{ name: 'x', w: 2 }] } }, deploymentSchema);
    assert.deepEqual(out.extra, { a: 1, b: 2, list: [{ name: 'x', w: 2 }] });
  });

  it('a container without its merge key is 400 with upstream text', () => {
    throwsStatus(() => apply({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } }),
      400, 'BadRequest', 'map: map[image:x] does not contain declared merge key: name');
  });

  it('sets replicas and leaves everything else alone', () => {
    const out = apply({ spec: { replicas: 3 } });
    const expected = deployment();
    (expected.spec as Json).replicas = 3;
    assert.deepEqual(out, expected);
  });
});
