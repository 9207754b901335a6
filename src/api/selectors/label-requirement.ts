/**
 * One label selector requirement (`key in (a,b)`, `!key`, `key>3`), built
 * and checked as upstream's labels.NewRequirement and printed as its
 * Requirement.String (k8s.io/apimachinery/pkg/labels/selector.go).
 */
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';

/** upstream's selection.Operator values. */
export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

const BINARY_OPERATORS: readonly Operator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const VALID_OPERATORS: readonly Operator[] = [...BINARY_OPERATORS, 'exists', '!'];

/** Binary operators in upstream's order, as its parse errors list them. */
export const BINARY_OPERATOR_LIST = BINARY_OPERATORS.join(', ');

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  /** As given (the parser sorts and dedupes `in`/`notin` sets). */
  readonly values: readonly string[];
}

/** Go's `%q` of a string (close enough for label keys and values). */
const quote = (s: string): string => JSON.stringify(s);
const goStrings = (vals: readonly string[]): string => `[]string{${vals.map(quote).join(', ')}}`;

function invalid(field: string, value: string, detail: string): string {
  return `${field}: Invalid value: ${value}: ${detail}`;
}

/** A label key's problem as a field error, or undefined. */
export function labelKeyError(key: string, field: string): string | undefined {
  const errs = isQualifiedName(key, 'a qualified name');
  return errs.length ? invalid(field, quote(key), errs.join('; ')) : undefined;
}

/** upstream's utilerrors aggregate message: one error alone, several as `[a, b]` (deduplicated). */
export function aggregate(errs: string[]): string | undefined {
  const unique = [...new Set(errs)];
  if (unique.length === 0) return undefined;
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

/**
 * Everything wrong with a requirement, as upstream's NewRequirement reports
 * it (field paths `key`, `values`, `values[i][key]`), or undefined.
 */
export function requirementError(key: string, op: string, values: readonly string[]): string | undefined {
  const errs: string[] = [];
  const keyErr = labelKeyError(key, 'key');
  if (keyErr) errs.push(keyErr);
  switch (op) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalid('values', goStrings(values), "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalid('values', goStrings(values), 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalid('values', goStrings(values), 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalid('values', goStrings(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(invalid(`values[${i}]`, quote(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errs.push(`operator: Unsupported value: ${quote(op)}: supported values: ${VALID_OPERATORS.map(quote).join(', ')}`);
  }
  values.forEach((v, i) => {
    const problems = isValidLabelValue(v);
    if (problems.length) errs.push(invalid(`values[${i}][${key}]`, quote(v), problems.join('; ')));
  });
  return aggregate(errs);
}

/** Go's strconv.ParseInt(s, 10, 64), as a bigint. */
export function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < -(2n ** 63n) || n > 2n ** 63n - 1n ? undefined : n;
}

/** Whether `labels` satisfy `r` (missing labels satisfy only `!=`, `notin` and `!`). */
export function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in': case '=': case '==':
      return has && r.values.includes(value as string);
    case 'notin': case '!=':
      return !has || !r.values.includes(value as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt': case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const lv = parseInt64(value as string);
      const rv = parseInt64(r.values[0]);
      if (lv === undefined || rv === undefined) return false;
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
    default:
      return false;
  }
}

const OPERATOR_TEXT: Record<Operator, string> = {
  '=': '=', '==': '==', '!=': '!=', in: ' in ', notin: ' notin ', gt: '>', lt: '<', exists: '', '!': '',
};

/** upstream's Requirement.String: `!k`, `k`, `k=v`, `k in (a,b)` with sorted values, `k>1`. */
export function requirementString(r: Requirement): string {
  if (r.operator === '!') return `!${r.key}`;
  if (r.operator === 'exists') return r.key;
  const vals = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',');
  const body = r.operator === 'in' || r.operator === 'notin' ? `(${vals})` : vals;
  return `${r.key}${OPERATOR_TEXT[r.operator]}${body}`;
}
