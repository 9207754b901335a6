/**
 * The label selector string syntax, lexed and parsed as upstream's
 * labels.Parse does (k8s.io/apimachinery/pkg/labels/selector.go):
 *
 *   <selector>    ::= <requirement> | <requirement> "," <selector>
 *   <requirement> ::= [!] KEY [ ("in"|"notin") "(" VALUES ")" | ("="|"=="|"!="|">"|"<") VALUE ]
 *
 * Whitespace separates tokens and is otherwise ignored. Errors carry
 * upstream's text; requirement errors are prefixed "unable to parse requirement: ".
 */
import { BINARY_OPERATOR_LIST, labelKeyError, requirementError } from './label-requirement.js';
import type { Operator, Requirement } from './label-requirement.js';

type Token = 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';

const LITERAL_TOKENS: ReadonlyMap<string, Token> = new Map<string, Token>([
  [')', ')'], [',', ','], ['!', '!'], ['==', '=='], ['=', '='], ['>', '>'], ['in', 'in'],
  ['<', '<'], ['!=', '!='], ['notin', 'notin'], ['(', '('],
]);

interface Scanned { tok: Token; lit: string }

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string): boolean => '=!(),><'.includes(ch);

/** A selector string that does not parse; the message is upstream's. */
export class SelectorSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorSyntaxError';
  }
}

function lex(s: string): Scanned[] {
  const out: Scanned[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos])) pos++;
    if (pos >= s.length) {
      out.push({ tok: 'eos', lit: '' });
      return out;
    }
    if (isSpecial(s[pos])) {
      let buffer = '';
      let last: Scanned | undefined;
      while (pos < s.length && isSpecial(s[pos])) {
        const next = buffer + s[pos];
        const tok = LITERAL_TOKENS.get(next);
        if (tok) {
          buffer = next;
          last = { tok, lit: next };
          pos++;
        } else if (last) {
          break;
        } else {
          buffer = next;
          pos++;
        }
      }
      out.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` });
    } else {
      let buffer = '';
      while (pos < s.length && !isSpecial(s[pos]) && !isWhitespace(s[pos])) buffer += s[pos++];
      out.push({ tok: LITERAL_TOKENS.get(buffer) ?? 'id', lit: buffer });
    }
  }
}

/** Parses `selector` into requirements sorted by key. Throws SelectorSyntaxError. */
export function parseRequirements(selector: string): Requirement[] {
  const items = lex(selector);
  let position = 0;
  /** In value context, `in` and `notin` are identifiers. */
  const asValue = (t: Scanned): Scanned => (t.tok === 'in' || t.tok === 'notin' ? { tok: 'id', lit: t.lit } : t);
  const lookahead = (values: boolean): Scanned => {
    const t = items[Math.min(position, items.length - 1)];
    return values ? asValue(t) : t;
  };
  const consume = (values: boolean): Scanned => {
    const t = lookahead(values);
    position++;
    return t;
  };
  const fail = (msg: string): never => { throw new SelectorSyntaxError(msg); };

  const parseValues = (): string[] => {
    const open = consume(true);
    if (open.tok !== '(') fail(`found '${open.lit}' expected: '('`);
    const first = lookahead(true);
    if (first.tok === ')') {
      consume(true);
      return [''];
    }
    if (first.tok !== 'id' && first.tok !== ',') fail(`found '${first.lit}', expected: ',', ')' or identifier`);
    const set = new Set<string>();
    for (;;) {
      const t = consume(true);
      if (t.tok === 'id') {
        set.add(t.lit);
        const next = lookahead(true);
        if (next.tok === ',') continue;
        if (next.tok === ')') break;
        fail(`found '${next.lit}', expected: ',' or ')'`);
      } else if (t.tok === ',') {
        if (set.size === 0) set.add('');
        const next = lookahead(true);
        if (next.tok === ')') { set.add(''); break; }
        if (next.tok === ',') set.add('');
      } else {
        fail(`found '${t.lit}', expected: ',', or identifier`);
      }
    }
    if (consume(true).tok !== ')') fail(`found '${first.lit}', expected: ')'`);
    return [...set].sort();
  };

  const parseExactValue = (): string[] => {
    const next = lookahead(true);
    if (next.tok === 'eos' || next.tok === ',') return [''];
    const t = consume(true);
    if (t.tok === 'id') return [t.lit];
    return fail(`found '${t.lit}', expected: identifier`);
  };

  const OPERATORS: Partial<Record<Token, Operator>> = {
    in: 'in', '=': '=', '==': '==', '>': 'gt', '<': 'lt', notin: 'notin', '!=': '!=',
  };

  const parseRequirement = (): Requirement => {
    let t = consume(true);
    let operator: Operator | undefined;
    if (t.tok === '!') {
      operator = '!';
      t = consume(true);
    }
    if (t.tok !== 'id') fail(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const keyErr = labelKeyError(key, '<nil>');
    if (keyErr) fail(keyErr);
    const next = lookahead(true).tok;
    if ((next === 'eos' || next === ',') && operator !== '!') operator = 'exists';
    let values: string[] = [];
    if (operator !== 'exists' && operator !== '!') {
      const opTok = consume(false);
      operator = OPERATORS[opTok.tok];
      if (operator === undefined) return fail(`found '${opTok.lit}', expected: ${BINARY_OPERATOR_LIST}`);
      values = operator === 'in' || operator === 'notin' ? parseValues() : parseExactValue();
    }
    const err = requirementError(key, operator, values);
    if (err) fail(err);
    return { key, operator, values };
  };

  const requirements: Requirement[] = [];
  for (;;) {
    const t = lookahead(true);
    if (t.tok === 'eos') break;
    if (t.tok !== 'id' && t.tok !== '!') fail(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
    try {
      requirements.push(parseRequirement());
    } catch (err) {
      if (err instanceof SelectorSyntaxError) throw new SelectorSyntaxError(`unable to parse requirement: ${err.message}`);
      throw err;
    }
    const sep = consume(true);
    if (sep.tok === 'eos') break;
    if (sep.tok !== ',') fail(`found '${sep.lit}', expected: ',' or 'end of string'`);
    const after = lookahead(true);
    if (after.tok !== 'id' && after.tok !== '!') fail(`found '${after.lit}', expected: identifier after ','`);
  }
  return sortByKey(requirements);
}

/** Stable sort by key, as upstream's sort.Sort(ByKey) yields for selectors this small. */
export function sortByKey<T extends { key: string }>(rs: T[]): T[] {
  return rs.map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.key < b.r.key ? -1 : a.r.key > b.r.key ? 1 : a.i - b.i))
    .map((x) => x.r);
}
