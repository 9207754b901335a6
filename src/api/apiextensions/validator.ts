/**
 * Value validation of custom resources against a CRD version's schema,
 * compiled once with ajv, with errors phrased as upstream phrases them
 * (kube-openapi's validate errors mapped by apiextensions-apiserver's
 * kubeOpenAPIResultToFieldErrors):
 *
 *   spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"
 *   spec.cronSpec: Required value
 *   spec.mode: Unsupported value: "x": supported values: "a", "b"
 *   <nil>: Invalid value: "": "spec.x" must validate one and only one schema (oneOf). Found none valid
 *
 * The schema is applied as Kubernetes applies OpenAPI v3 (draft-04 bounds:
 * boolean exclusiveMinimum/Maximum), with nullable, x-kubernetes-int-or-string,
 * and only the formats upstream validates. Root metadata is left to the
 * server's ObjectMeta validation (only name/generateName restrictions apply).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FieldError } from '../field-errors.js';
import { invalidValue, notSupported, required, tooLong, typeInvalid } from '../field-errors.js';
import { isPlainObject } from '../object.js';
import { CRD_FORMATS, supportedFormat } from './formats.js';
import { re2Flags, translateRe2 } from './structural.js';
import type { JSONSchemaProps } from './types.js';

type AjvSchema = Record<string, unknown>;

/** Upstream's RE2 patterns run as JavaScript regular expressions (see translateRe2). */
const regExpEngine = Object.assign(
  (pattern: string, flags: string) => new RegExp(translateRe2(pattern), flags + re2Flags(pattern)),
  { code: 'RegExp' },
);

const asSchema = (v: unknown): JSONSchemaProps | undefined =>
  (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as JSONSchemaProps : undefined);

/** The keyword where the original (un-normalized) format name is kept for messages. */
const FORMAT_NAME = 'x-k8ts-format';

/** JSONSchemaProps -> the draft-07 schema ajv runs. */
function toAjv(s: JSONSchemaProps, root: boolean): AjvSchema {
  const o: AjvSchema = {};
  let types: string[] | undefined;
  if (s['x-kubernetes-int-or-string']) types = ['integer', 'string'];
  else if (s.type) types = [s.type];
  if (types) {
    if (s.nullable) types = [...types, 'null'];
    o.type = types.length === 1 ? types[0] : types;
  }
  const fmt = supportedFormat(s.format);
  if (fmt) { o.format = fmt; o[FORMAT_NAME] = s.format; }
  if (s.maximum !== undefined) {
    if (s.exclusiveMaximum) o.exclusiveMaximum = s.maximum; else o.maximum = s.maximum;
  }
  if (s.minimum !== undefined) {
    if (s.exclusiveMinimum) o.exclusiveMinimum = s.minimum; else o.minimum = s.minimum;
  }
  for (const k of ['maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'multipleOf', 'maxProperties', 'minProperties'] as const) {
    if (s[k] !== undefined) o[k] = s[k];
  }
  if (s.uniqueItems) o.uniqueItems = true;
  if (s.enum) o.enum = s.enum;
  if (s.required?.length) o.required = s.required;
  const items = asSchema(s.items);
  if (items) o.items = toAjv(items, false);
  if (s.properties) {
    const props: Record<string, AjvSchema> = {};
    for (const [k, v] of Object.entries(s.properties)) {
      if (root && k === 'metadata') {
        const meta: Record<string, AjvSchema> = {};
        for (const n of ['name', 'generateName']) if (v.properties?.[n]) meta[n] = toAjv(v.properties[n], false);
        if (Object.keys(meta).length > 0) props[k] = { properties: meta };
        continue;
      }
      props[k] = toAjv(v, false);
    }
    o.properties = props;
  }
  if (s.additionalProperties === false) o.additionalProperties = false;
  else if (asSchema(s.additionalProperties)) o.additionalProperties = toAjv(s.additionalProperties as JSONSchemaProps, false);
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (s[k]?.length) o[k] = s[k]!.map((x) => toAjv(x, false));
  }
  if (s.not) o.not = toAjv(s.not, false);
  return o;
}

/** Compiles `schema` for value validation. Throws when ajv refuses it (a CRD that passed validation never is). */
export function compileValidator(schema: JSONSchemaProps): ValidateFunction {
  const ajv = new Ajv({
    allErrors: true, verbose: true, strict: false, logger: false,
    unicodeRegExp: false, code: { regExp: regExpEngine },
  });
  for (const [name, check] of Object.entries(CRD_FORMATS)) ajv.addFormat(name, { type: 'string', validate: check });
  return ajv.compile(toAjv(schema, true));
}

/** How an error names its field: upstream's prefix path, or `<nil>` when there is none. */
interface Ctx { data: unknown; prefix: string; schema: AjvSchema }

const unescapePointer = (s: string): string => s.replace(/~1/g, '/').replace(/~0/g, '~');

/** kube-openapi's name of the value at a JSON pointer: `spec.items[0].name`. */
function openapiName(data: unknown, pointer: string): string {
  if (!pointer) return '';
  let cur = data;
  let name = '';
  for (const seg of pointer.slice(1).split('/').map(unescapePointer)) {
    if (Array.isArray(cur)) { name += `[${seg}]`; cur = cur[Number(seg)]; } else {
      name = name ? `${name}.${seg}` : seg;
      cur = isPlainObject(cur) ? cur[seg] : undefined;
    }
  }
  return name;
}

const fieldOf = (ctx: Ctx, name: string): string => (ctx.prefix && name ? `${ctx.prefix}.${name}` : ctx.prefix || name || '<nil>');

/** The JSON type kube-openapi sees for a decoded value. */
function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function simpleError(e: ErrorObject, ctx: Ctx): FieldError[] {
  const name = openapiName(ctx.data, e.instancePath);
  const field = fieldOf(ctx, name);
  const p = e.params as Record<string, unknown>;
  const data = e.data;
  switch (e.keyword) {
    case 'type': {
      const want = ([] as string[]).concat(p.type as string | string[]).filter((t) => t !== 'null').join(',');
      const got = jsonType(data);
      return [typeInvalid(field, got, `${name} in body must be of type ${want}: ${JSON.stringify(got)}`)];
    }
    case 'required': {
      const n = `${name}.${String(p.missingProperty)}`.replace(/^\./, '');
      return [required(fieldOf(ctx, n))];
    }
    case 'enum':
      return [notSupported(field, data, (p.allowedValues as unknown[]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))))];
    case 'maxLength': return [tooLong(field, data, Number(p.limit))];
    case 'minLength': return [invalidValue(field, data, `${name} in body should be at least ${String(p.limit)} chars long`)];
    case 'pattern': return [invalidValue(field, data, `${name} in body should match '${String(p.pattern)}'`)];
    case 'format': {
      const fmt = (e.parentSchema?.[FORMAT_NAME] as string | undefined) ?? String(p.format);
      return [typeInvalid(field, data, `${name} in body must be of type ${fmt}: ${JSON.stringify(data)}`)];
    }
    case 'maximum': return [invalidValue(field, data, `${name} in body should be less than or equal to ${String(p.limit)}`)];
    case 'exclusiveMaximum': return [invalidValue(field, data, `${name} in body should be less than ${String(p.limit)}`)];
    case 'minimum': return [invalidValue(field, data, `${name} in body should be greater than or equal to ${String(p.limit)}`)];
    case 'exclusiveMinimum': return [invalidValue(field, data, `${name} in body should be greater than ${String(p.limit)}`)];
    case 'multipleOf': return [invalidValue(field, data, `${name} in body should be a multiple of ${String(p.multipleOf)}`)];
    case 'maxItems': case 'maxProperties': {
      const actual = Array.isArray(data) ? data.length : isPlainObject(data) ? Object.keys(data).length : -1;
      return [{ type: 'FieldValueTooMany', field, value: actual, detail: `must have at most ${String(p.limit)} items` }];
    }
    case 'minItems': {
      const actual = Array.isArray(data) ? data.length : -1;
      return [invalidValue(field, actual, `${name} in body should have at least ${String(p.limit)} items`)];
    }
    case 'minProperties': {
      const actual = isPlainObject(data) ? Object.keys(data).length : -1;
      return [invalidValue(field, actual, `${name} in body should have at least ${String(p.limit)} properties`)];
    }
    case 'uniqueItems': return [invalidValue(field, '', `${name} in body shouldn't contain duplicates`)];
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      return [invalidValue(field, key, `${name}.${key} in body is a forbidden property`)];
    }
    default: return [invalidValue(field, data ?? '', `${name} ${e.message ?? 'is invalid'}`)];
  }
}

const COMBINATORS = new Set(['allOf', 'anyOf', 'oneOf', 'not']);

/** Index of the first combinator keyword in schema-path tokens at or after `from`. */
function firstCombinator(tokens: string[], from: number): number {
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === 'properties') { i++; continue; }
    if (COMBINATORS.has(t)) return i;
  }
  return -1;
}

/** How many instance steps the schema-path tokens before `end` descend. */
function instanceDepth(tokens: string[], end: number): number {
  let d = 0;
  for (let i = 0; i < end; i++) {
    const t = tokens[i];
    if (t === 'properties') { d++; i++; } else if (t === 'items' || t === 'additionalProperties') d++;
    else if (t === 'allOf' || t === 'anyOf' || t === 'oneOf') i++;
  }
  return d;
}

function schemaAt(schema: AjvSchema, tokens: string[]): unknown {
  let cur: unknown = schema;
  for (const t of tokens) cur = (cur as Record<string, unknown> | undefined)?.[unescapePointer(t)];
  return cur;
}

interface Group { kind: string; j: number; pointer: string; tokens: string[]; self?: ErrorObject; branches: Map<number, ErrorObject[]> }

const combinatorError = (ctx: Ctx, detail: string): FieldError => invalidValue(ctx.prefix || '<nil>', '', detail);

/** Maps ajv's flat error list to upstream's errors, resolving combinators as kube-openapi does. */
function mapErrors(errs: ErrorObject[], from: number, ctx: Ctx): FieldError[] {
  const order: (ErrorObject | Group)[] = [];
  const groups = new Map<string, Group>();
  for (const e of errs) {
    const tokens = e.schemaPath.replace(/^#\/?/, '').split('/');
    const j = firstCombinator(tokens, from);
    if (j < 0) { order.push(e); continue; }
    const pointer = e.instancePath.split('/').slice(0, instanceDepth(tokens, j) + 1).join('/');
    const key = `${tokens.slice(0, j + 1).join('/')}|${pointer}`;
    let g = groups.get(key);
    if (!g) { g = { kind: tokens[j], j, pointer, tokens: tokens.slice(0, j + 1), branches: new Map() }; groups.set(key, g); order.push(g); }
    if (j === tokens.length - 1) g.self = e;
    else {
      const b = tokens[j] === 'not' ? 0 : Number(tokens[j + 1]);
      const list = g.branches.get(b) ?? [];
      list.push(e);
      g.branches.set(b, list);
    }
  }
  const out: FieldError[] = [];
  for (const item of order) {
    if (!('branches' in item)) { out.push(...simpleError(item, ctx)); continue; }
    const q = JSON.stringify(openapiName(ctx.data, item.pointer));
    const mapped = [...item.branches.entries()].sort(([a], [b]) => a - b).map(([, list]) => mapErrors(list, item.j + 2, ctx));
    const best = mapped.reduce<FieldError[] | undefined>((b, m) => (b === undefined || m.length < b.length ? m : b), undefined) ?? [];
    switch (item.kind) {
      case 'anyOf':
        if (item.self) out.push(combinatorError(ctx, `${q} must validate at least one schema (anyOf)`));
        out.push(...best);
        break;
      case 'oneOf': {
        const passing = (item.self?.params as { passingSchemas?: number[] | null } | undefined)?.passingSchemas;
        const n = Array.isArray(passing) ? passing.length : 0;
        out.push(combinatorError(ctx, `${q} must validate one and only one schema (oneOf). ${n === 0 ? 'Found none valid' : `Found ${n} valid alternatives`}`));
        if (n === 0) out.push(...best);
        break;
      }
      case 'allOf': {
        const total = (schemaAt(ctx.schema, item.tokens) as unknown[] | undefined)?.length ?? 0;
        for (const m of mapped) out.push(...m);
        out.push(combinatorError(ctx, `${q} must validate all the schemas (allOf)${item.branches.size >= total ? '. None validated' : ''}`));
        break;
      }
      default:
        out.push(combinatorError(ctx, `${q} must not validate the schema (not)`));
    }
  }
  return out;
}

/** Keywords kube-openapi checks after validating the children of the same value. */
const LATE = new Set(['required', 'minItems', 'maxItems', 'uniqueItems', 'additionalProperties']);

/**
 * Orders ajv's errors as kube-openapi reports them, deterministically: by
 * value in document order (fields in the order the object lists them, items
 * by index), a value's own checks first except that required and item counts
 * come after its children's errors.
 */
function upstreamOrder(errs: ErrorObject[], data: unknown): ErrorObject[] {
  const key = (e: ErrorObject): string => {
    let cur = data;
    const parts: string[] = [];
    for (const seg of e.instancePath === '' ? [] : e.instancePath.slice(1).split('/').map(unescapePointer)) {
      const i = Array.isArray(cur) ? Number(seg) : isPlainObject(cur) ? Object.keys(cur).indexOf(seg) : 0;
      parts.push(String(i).padStart(10, '0'));
      cur = Array.isArray(cur) ? cur[i] : isPlainObject(cur) ? cur[seg] : undefined;
    }
    return parts.join('.') + (LATE.has(e.keyword) ? '~' : '');
  };
  return errs.map((e, i) => ({ e, i, k: key(e) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i))
    .map((x) => x.e);
}

/** A compiled value validator: validate(obj) returns upstream-phrased field errors. */
export interface ValueValidator {
  /**
   * Errors of `value` against the schema; `prefix` is prepended to every field
   * path (upstream's fldPath, e.g. a default's schema path), never mutates.
   */
  validate(value: unknown, prefix?: string): FieldError[];
}

export function newValueValidator(schema: JSONSchemaProps): ValueValidator {
  const fn = compileValidator(schema);
  const ajvSchema = fn.schema as AjvSchema;
  return {
    validate(value, prefix = '') {
      if (fn(value)) return [];
      return mapErrors(upstreamOrder(fn.errors ?? [], value), 0, { data: value, prefix, schema: ajvSchema });
    },
  };
}
