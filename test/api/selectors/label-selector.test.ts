import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  EVERYTHING, NOTHING, formatLabelSelector, labelSelectorAsSelector, newRequirement, parseLabelSelector, selectorFromSet,
} from '../../../src/api/selectors/label-selector.js';
import { StatusError } from '../../../src/api/errors.js';

const QNAME = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

function badRequest(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StatusError, String(err));
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.equal(err.message, message);
    return true;
  });
}

describe('parseLabelSelector: valid syntax and canonical string', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['x=a', 'x=a'],
    ['x==a', 'x==a'],
    ['x!=a', 'x!=a'],
    ['x=a,y=b,z=c', 'x=a,y=b,z=c'],
    ['z=c,y=b,x=a', 'x=a,y=b,z=c'],
    ['  x = a ,  y  !=  b  ', 'x=a,y!=b'],
    ['x=', 'x='],
    ['x=,z= ', 'x=,z='],
    ['x', 'x'],
    ['!x', '!x'],
    ['! x', '!x'],
    ['x,!y', 'x,!y'],
    ['x>1', 'x>1'],
    ['x<5', 'x<5'],
    ['x>1,z<5', 'x>1,z<5'],
    ['x in (b,a)', 'x in (a,b)'],
    ['x in (a,a,b)', 'x in (a,b)'],
    ['x notin (a)', 'x notin (a)'],
    ['x in ()', 'x in ()'],
    ['x in (a,,b)', 'x in (,a,b)'],
    ['x in (,a)', 'x in (,a)'],
    ['x in (a,)', 'x in (,a)'],
    ['in in (in,notin)', 'in in (in,notin)'],
    ['example.com/app=web', 'example.com/app=web'],
    ['x\tin\t(a)', 'x in (a)'],
  ];
  for (const [input, canonical] of cases) {
    it(JSON.stringify(input), () => assert.equal(parseLabelSelector(input).toString(), canonical));
  }

  it('exposes requirements sorted by key', () => {
    assert.deepEqual(parseLabelSelector('b in (y,x),a').requirements, [
      { key: 'a', operator: 'exists', values: [] },
      { key: 'b', operator: 'in', values: ['x', 'y'] },
    ]);
  });

  it('the empty string selects everything', () => {
    const s = parseLabelSelector('');
    assert.equal(s.empty, true);
    assert.equal(s.matches({ any: 'thing' }), true);
    assert.equal(s.matches(undefined), true);
  });
});

describe('parseLabelSelector: matching', () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ['x=y', { x: 'y' }, true],
    ['x=y', { x: 'z' }, false],
    ['x=y', {}, false],
    ['x==y', { x: 'y' }, true],
    ['x!=y', {}, true],
    ['x!=y', { x: 'z' }, true],
    ['x!=y', { x: 'y' }, false],
    ['x in (y,z)', { x: 'z' }, true],
    ['x in (y,z)', { x: 'w' }, false],
    ['x in (y,z)', {}, false],
    ['x notin (y)', {}, true],
    ['x notin (y)', { x: 'y' }, false],
    ['x', { x: '' }, true],
    ['x', { y: 'x' }, false],
    ['!x', { y: 'x' }, true],
    ['!x', { x: '' }, false],
    ['x>1', { x: '2' }, true],
    ['x>1', { x: '1' }, false],
    ['x>1', { x: 'a' }, false],
    ['x>1', {}, false],
    ['x<1', { x: '-3' }, true],
    ['x<1', { x: '+0' }, true],
    ['x>9007199254740993', { x: '9007199254740994' }, true],
    ['x=a,y=b', { x: 'a', y: 'b', z: 'c' }, true],
    ['x=a,y=b', { x: 'a' }, false],
    ['x=', {}, false],
    ['x=', { x: '' }, true],
  ];
  for (const [sel, labels, want] of cases) {
    it(`${JSON.stringify(sel)} on ${JSON.stringify(labels)}`, () => assert.equal(parseLabelSelector(sel).matches(labels), want));
  }
});

describe('parseLabelSelector: errors are 400 with upstream text', () => {
  const cases: [string, string][] = [
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['x=a b', "found 'b', expected: ',' or 'end of string'"],
    [',x', "found ',', expected: !, identifier, or 'end of string'"],
    ['x=a,', "found '', expected: identifier after ','"],
    ['x=a,,y', "found ',', expected: identifier after ','"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['x in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['x>=1', "unable to parse requirement: found '=', expected: identifier"],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['x>a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['x<-5', `unable to parse requirement: values[0][x]: Invalid value: "-5": ${LABEL_VALUE}`],
    ['x=a$b', `unable to parse requirement: values[0][x]: Invalid value: "a$b": ${LABEL_VALUE}`],
    ['a/b/c', `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${QNAME} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    ['-x', `unable to parse requirement: <nil>: Invalid value: "-x": name part ${QNAME}`],
    ['/x', 'unable to parse requirement: <nil>: Invalid value: "/x": prefix part must be non-empty'],
    ['Bad_Prefix/x', `unable to parse requirement: <nil>: Invalid value: "Bad_Prefix/x": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`],
    [`${'k'.repeat(64)}`, `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`],
    [`x=${'v'.repeat(64)}`, `unable to parse requirement: values[0][x]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`],
  ];
  for (const [sel, message] of cases) {
    it(JSON.stringify(sel), () => badRequest(() => parseLabelSelector(sel), message));
  }
});

describe('labelSelectorAsSelector / formatLabelSelector', () => {
  it('nil selects nothing, empty selects everything; both format as <none>', () => {
    assert.equal(labelSelectorAsSelector(undefined), NOTHING);
    assert.equal(labelSelectorAsSelector(null).matches({ a: 'b' }), false);
    assert.equal(labelSelectorAsSelector({}), EVERYTHING);
    assert.equal(labelSelectorAsSelector({ matchLabels: {}, matchExpressions: [] }).matches({}), true);
    assert.equal(formatLabelSelector(undefined), '<none>');
    assert.equal(formatLabelSelector({}), '<none>');
  });

  it('combines matchLabels and matchExpressions, sorted by key', () => {
    const ls = {
      matchLabels: { b: '2', a: '1' },
      matchExpressions: [
        { key: 'c', operator: 'In', values: ['y', 'x'] },
        { key: 'd', operator: 'DoesNotExist' },
        { key: 'aa', operator: 'Exists' },
        { key: 'e', operator: 'NotIn', values: ['z'] },
      ],
    };
    assert.equal(formatLabelSelector(ls), 'a=1,aa,b=2,c in (x,y),!d,e notin (z)');
    const s = labelSelectorAsSelector(ls);
    assert.equal(s.matches({ a: '1', aa: '', b: '2', c: 'x' }), true);
    assert.equal(s.matches({ a: '1', aa: '', b: '2', c: 'x', d: '' }), false);
    assert.equal(s.matches({ a: '1', aa: '', b: '2', c: 'x', e: 'z' }), false);
    assert.equal(s.matches({ a: '1', b: '2', c: 'x' }), false);
  });

  it('refuses unknown operators', () => {
    badRequest(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }),
      '"Foo" is not a valid label selector operator');
    assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }), '<error>');
  });

  it('validates values and keys as NewRequirement does', () => {
    badRequest(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }),
      "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
    badRequest(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }),
      'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist');
    badRequest(() => labelSelectorAsSelector({ matchLabels: { 'bad key': 'v' } }),
      `key: Invalid value: "bad key": name part ${QNAME}`);
    badRequest(() => labelSelectorAsSelector({ matchLabels: { '-k': 'a b' } }),
      `[key: Invalid value: "-k": name part ${QNAME}, values[0][-k]: Invalid value: "a b": ${LABEL_VALUE}]`);
  });
});

describe('newRequirement and selectorFromSet', () => {
  it('builds a valid requirement', () => {
    assert.deepEqual(newRequirement('app', 'in', ['b', 'a']), { key: 'app', operator: 'in', values: ['b', 'a'] });
  });

  it('checks exact-match arity and Gt/Lt values', () => {
    badRequest(() => newRequirement('a', '=', ['x', 'y']),
      'values: Invalid value: []string{"x", "y"}: exact-match compatibility requires one single value');
    badRequest(() => newRequirement('a', 'gt', ['1', '2']),
      "values: Invalid value: []string{\"1\", \"2\"}: for 'Gt', 'Lt' operators, exactly one value is required");
  });

  it('selectorFromSet matches exactly the set, sorted', () => {
    const s = selectorFromSet({ b: '2', a: '1' });
    assert.equal(s.toString(), 'a=1,b=2');
    assert.equal(s.matches({ a: '1', b: '2', c: '3' }), true);
    assert.equal(s.matches({ a: '1' }), false);
    assert.equal(selectorFromSet(undefined).empty, true);
  });
});
