import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from '../../../src/api/patch/merge-patch.js';
import { StatusError } from '../../../src/api/errors.js';

/** RFC 7386 appendix A, minus the two cases where upstream differs (null and scalar patches). */
const rfcCases: [unknown, unknown, unknown][] = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [['a', 'b'], ['c', 'd'], ['c', 'd']],
  [{ a: 'b' }, ['c'], ['c']],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

describe('applyMergePatch', () => {
  for (const [target, patch, want] of rfcCases) {
    it(`${JSON.stringify(target)} + ${JSON.stringify(patch)}`, () => {
      assert.deepEqual(applyMergePatch(target, patch), want);
    });
  }

  it('a null patch leaves the document unchanged (as evanphx/json-patch)', () => {
    assert.deepEqual(applyMergePatch({ a: 1 }, null), { a: 1 });
  });

  it('a scalar patch is 400 "Invalid JSON Patch"', () => {
    assert.throws(() => applyMergePatch({ a: 1 }, 'bar'),
      (err: unknown) => err instanceof StatusError && err.code === 400 && err.message === 'Invalid JSON Patch');
  });

  it('replaces lists whole, e.g. containers', () => {
    const doc = { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b' }] } };
    assert.deepEqual(applyMergePatch(doc, { spec: { containers: [{ name: 'a', image: 'y' }] } }),
      { spec: { containers: [{ name: 'a', image: 'y' }] } });
  });

  it('never mutates its inputs', () => {
    const doc = { a: { b: 1 } };
    const patch = { a: { c: { d: 1 } } };
    const out = applyMergePatch(doc, patch) as { a: { c: { d: number } } };
    out.a.c.d = 2;
    assert.deepEqual(doc, { a: { b: 1 } });
    assert.deepEqual(patch, { a: { c: { d: 1 } } });
  });

  it('treats __proto__ as a plain key', () => {
    const out = applyMergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(out), ['__proto__']);
  });
});
