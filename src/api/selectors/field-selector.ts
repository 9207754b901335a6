/**
 * Field selectors (`fieldSelector=metadata.name=web,status.phase!=Running`),
 * parsed, matched and printed as upstream's k8s.io/apimachinery/pkg/fields:
 * terms are comma-separated, `=`/`==` select equal values and `!=` different
 * ones, and values escape `\`, `,` and `=` with a backslash. A missing field
 * reads as "". Invalid selectors throw 400 BadRequest with upstream's text.
 */
import { badRequest } from '../errors.js';

export interface FieldRequirement {
  readonly field: string;
  /** `==` is folded into `=`, as upstream's Requirements() reports it. */
  readonly operator: '=' | '!=';
  /** The unescaped value. */
  readonly value: string;
}

export interface FieldSelectorMatcher {
  /** Terms, all of which must hold, in sorted term order. */
  readonly requirements: readonly FieldRequirement[];
  /** True when nothing is restricted. */
  readonly empty: boolean;
  /** Whether `fields` satisfy every term; a missing field is "". */
  matches(fields: Readonly<Record<string, string>>): boolean;
  /** The value an `=` term on `field` requires, if any (upstream's RequiresExactMatch). */
  requiresExactMatch(field: string): string | undefined;
  /** upstream's String(): `field=value` terms joined by commas, values escaped. */
  toString(): string;
}

/** Escapes `\`, `,` and `=` in a value, as upstream's fields.EscapeValue. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** upstream's UnescapeValue; throws 400 with its messages. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Go prints the rune with %v: its code point.
      throw badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas not escaped by a backslash (escapes are kept). */
function splitTerms(s: string): string[] {
  if (s === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

/** Splits a term at the first operator; the field part has no escaping. */
function splitTerm(term: string): { lhs: string; op: (typeof TERM_OPERATORS)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

function fromRequirements(requirements: readonly FieldRequirement[]): FieldSelectorMatcher {
  return {
    requirements,
    empty: requirements.length === 0,
    matches: (fields) => requirements.every((r) => {
      const v = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field] : '';
      return r.operator === '=' ? v === r.value : v !== r.value;
    }),
    requiresExactMatch: (field) => requirements.find((r) => r.field === field && r.operator === '=')?.value,
    toString: () => requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(','),
  };
}

/** Parses a field selector; "" selects everything. */
export function parseFieldSelector(selector: string): FieldSelectorMatcher {
  const parts = splitTerms(selector).sort();
  const requirements: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    requirements.push({ field: t.lhs, operator: t.op === '!=' ? '!=' : '=', value: unescapeFieldValue(t.rhs) });
  }
  return fromRequirements(requirements);
}

/** A selector matching exactly `fields` (upstream's SelectorFromSet), terms sorted by field. */
export function fieldSelectorFromSet(fields: Readonly<Record<string, string>>): FieldSelectorMatcher {
  return fromRequirements(Object.keys(fields).sort().map((field) => ({ field, operator: '=' as const, value: fields[field] })));
}

/**
 * Refuses terms on fields a resource does not support, with upstream's 400
 * `field label not supported: <field>` (the first unsupported term, in order).
 */
export function assertSupportedFields(selector: FieldSelectorMatcher, supported: Iterable<string>): void {
  const ok = new Set(supported);
  for (const r of selector.requirements) {
    if (!ok.has(r.field)) throw badRequest(`field label not supported: ${r.field}`);
  }
}
