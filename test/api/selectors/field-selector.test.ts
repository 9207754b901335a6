import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertSupportedFields, escapeFieldValue, fieldSelectorFromSet, parseFieldSelector, unescapeFieldValue,
} from '../../../src/api/selectors/field-selector.js';
import { StatusError } from '../../../src/api/errors.js';

function badRequest(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StatusError, String(err));
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.equal(err.message, message);
    return true;
  });
}

describe('parseFieldSelector', () => {
  const canonical: [string, string][] = [
    ['', ''],
    ['metadata.name=web', 'metadata.name=web'],
    ['a==b', 'a=b'],
    ['a!=b', 'a!=b'],
    ['b=1,a=2', 'a=2,b=1'],
    ['a=b,,c=d', 'a=b,c=d'],
    ['a=', 'a='],
    ['a=x\\,y', 'a=x\\,y'],
    ['a=x\\=y\\\\z', 'a=x\\=y\\\\z'],
    ['spec.nodeName!=,status.phase=Running', 'spec.nodeName!=,status.phase=Running'],
  ];
  for (const [input, want] of canonical) {
    it(`round-trips ${JSON.stringify(input)}`, () => assert.equal(parseFieldSelector(input).toString(), want));
  }

  it('reports requirements with unescaped values, == folded into =', () => {
    assert.deepEqual(parseFieldSelector('b==x\\,y,a!=z').requirements, [
      { field: 'a', operator: '!=', value: 'z' },
      { field: 'b', operator: '=', value: 'x,y' },
    ]);
  });

  const matches: [string, Record<string, string>, boolean][] = [
    ['', {}, true],
    ['metadata.name=web', { 'metadata.name': 'web' }, true],
    ['metadata.name=web', { 'metadata.name': 'db' }, false],
    ['metadata.name=web', {}, false],
    ['metadata.name!=web', {}, true],
    ['metadata.name!=web', { 'metadata.name': 'web' }, false],
    ['spec.nodeName=', {}, true],
    ['spec.nodeName!=', { 'spec.nodeName': 'n1' }, true],
    ['spec.nodeName!=', {}, false],
    ['a=1,b=2', { a: '1', b: '2' }, true],
    ['a=1,b=2', { a: '1', b: '3' }, false],
    ['a=x\\,y', { a: 'x,y' }, true],
  ];
  for (const [sel, fields, want] of matches) {
    it(`${JSON.stringify(sel)} on ${JSON.stringify(fields)}`, () => assert.equal(parseFieldSelector(sel).matches(fields), want));
  }

  it('empty and requiresExactMatch', () => {
    assert.equal(parseFieldSelector('').empty, true);
    const s = parseFieldSelector('metadata.namespace!=kube-system,metadata.name==web');
    assert.equal(s.empty, false);
    assert.equal(s.requiresExactMatch('metadata.name'), 'web');
    assert.equal(s.requiresExactMatch('metadata.namespace'), undefined);
  });

  const errors: [string, string][] = [
    ['a', "invalid selector: 'a'; can't understand 'a'"],
    ['x=1,a', "invalid selector: 'x=1,a'; can't understand 'a'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['metadata.name!==web', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ];
  for (const [sel, message] of errors) {
    it(`refuses ${JSON.stringify(sel)}`, () => badRequest(() => parseFieldSelector(sel), message));
  }
});

describe('field selector helpers', () => {
  it('escapes and unescapes values', () => {
    assert.equal(escapeFieldValue('a,b=c\\d'), 'a\\,b\\=c\\\\d');
    assert.equal(unescapeFieldValue(escapeFieldValue('a,b=c\\d')), 'a,b=c\\d');
    assert.equal(unescapeFieldValue('plain'), 'plain');
  });

  it('fieldSelectorFromSet matches exactly the set', () => {
    const s = fieldSelectorFromSet({ 'metadata.name': 'a,b', 'metadata.namespace': 'ns' });
    assert.equal(s.toString(), 'metadata.name=a\\,b,metadata.namespace=ns');
    assert.equal(s.matches({ 'metadata.name': 'a,b', 'metadata.namespace': 'ns' }), true);
  });

  it('assertSupportedFields refuses unsupported keys with upstream text', () => {
    const s = parseFieldSelector('metadata.name=a,spec.foo=b');
    badRequest(() => assertSupportedFields(s, ['metadata.name', 'metadata.namespace']), 'field label not supported: spec.foo');
    assert.doesNotThrow(() => assertSupportedFields(s, new Set(['metadata.name', 'spec.foo'])));
    assert.doesNotThrow(() => assertSupportedFields(parseFieldSelector(''), []));
  });
});
