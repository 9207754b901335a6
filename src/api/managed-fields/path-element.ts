/**
 * One step of a field path (upstream fieldpath.PathElement): a struct field or
 * map key (`f:`), a keyed list item (`k:`), a set item (`v:`) or a list index
 * (`i:`, never produced for typed lists). Ordering, text form and FieldsV1
 * key encoding follow sigs.k8s.io/structured-merge-diff/fieldpath.
 */
import type { JsonValue } from './value.js';
import { compareStrings, compareValues, isObject, toGoJson } from './value.js';

export type PathElement =
  | { readonly field: string }
  /** Key fields sorted by name. */
  | { readonly key: ReadonlyArray<readonly [string, JsonValue]> }
  | { readonly value: JsonValue }
  | { readonly index: number };

export type FieldPath = readonly PathElement[];

/** Upstream PathElement.Compare: fields < keys < values < indexes. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  if ('field' in a) return 'field' in b ? sign(compareStrings(a.field, b.field)) : -1;
  if ('field' in b) return 1;
  if ('key' in a) {
    if (!('key' in b)) return -1;
    const n = Math.min(a.key.length, b.key.length);
    for (let i = 0; i < n; i++) {
      const c = compareStrings(a.key[i][0], b.key[i][0]);
      if (c !== 0) return sign(c);
      const d = compareValues(a.key[i][1], b.key[i][1]);
      if (d !== 0) return d;
    }
    return a.key.length === b.key.length ? 0 : a.key.length < b.key.length ? -1 : 1;
  }
  if ('key' in b) return 1;
  if ('value' in a) return 'value' in b ? compareValues(a.value, b.value) : -1;
  if ('value' in b) return 1;
  return a.index === b.index ? 0 : a.index < b.index ? -1 : 1;
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** A key path element from an item's key fields (sorted by name, as upstream). */
export function keyElement(fields: Iterable<readonly [string, JsonValue]>): PathElement {
  return { key: [...fields].sort((x, y) => compareStrings(x[0], y[0])) };
}

/** The FieldsV1 object key: `f:name`, `k:{"name":"app"}`, `v:"x"`, `i:0`. */
export function serializePathElement(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`;
  if ('index' in pe) return `i:${pe.index}`;
  // Key and value elements are immutable once made; their text (Go JSON) is
  // the costly part of building and encoding field sets, so it is kept.
  let s = SERIALIZED.get(pe);
  if (s === undefined) {
    if ('key' in pe) {
      // Go JSON of the key fields as a map: sorted by name, written field by field.
      const fields = pe.key.length < 2 ? pe.key : [...pe.key].sort((x, y) => compareStrings(x[0], y[0]));
      s = 'k:{';
      for (let i = 0; i < fields.length; i++) {
        const [k, v] = fields[i];
        s += `${i ? ',' : ''}${toGoJson(k)}:${toGoJson(v)}`;
      }
      s += '}';
    } else {
      s = `v:${toGoJson(pe.value)}`;
    }
    SERIALIZED.set(pe, s);
  }
  return s;
}

const SERIALIZED = new WeakMap<PathElement, string>();

/** Thrown for a FieldsV1 key with a known prefix and a malformed body. */
export class PathElementSyntaxError extends Error {}

/**
 * Parses a FieldsV1 key. Returns undefined for an unknown prefix (upstream
 * drops those silently); throws PathElementSyntaxError for a malformed one.
 */
export function deserializePathElement(s: string): PathElement | undefined {
  if (s.length < 2 || s[1] !== ':') {
    if (s.length < 2) throw new PathElementSyntaxError(`key ${JSON.stringify(s)} is too short`);
    return undefined;
  }
  const body = s.slice(2);
  switch (s[0]) {
    case 'f': return { field: body };
    case 'v': return { value: parseJson(body, s) };
    case 'k': {
      const o = parseJson(body, s);
      if (!isObject(o)) throw new PathElementSyntaxError(`key ${JSON.stringify(s)}: expected a JSON object`);
      return keyElement(Object.entries(o));
    }
    case 'i': {
      if (!/^-?\d+$/.test(body)) throw new PathElementSyntaxError(`key ${JSON.stringify(s)}: bad index`);
      return { index: Number(body) };
    }
    default: return undefined;
  }
}

function parseJson(body: string, s: string): JsonValue {
  try {
    return JSON.parse(body) as JsonValue;
  } catch (e) {
    throw new PathElementSyntaxError(`key ${JSON.stringify(s)}: ${(e as Error).message}`);
  }
}

/** Human form used in conflict messages: `.spec`, `[name="app"]`, `[="x"]`, `[0]`. */
export function pathElementToString(pe: PathElement): string {
  if ('field' in pe) return `.${pe.field}`;
  if ('key' in pe) return `[${pe.key.map(([k, v]) => `${k}=${valueToString(v)}`).join(',')}]`;
  if ('value' in pe) return `[=${valueToString(pe.value)}]`;
  return `[${pe.index}]`;
}

/** Upstream Path.String(): `.spec.template.spec.containers[name="app"].image`. */
export function pathToString(p: FieldPath): string {
  return p.map(pathElementToString).join('');
}

/** Upstream value.ToString. */
function valueToString(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueToString).join(', ')}]`;
  return `{${Object.keys(v).sort(compareStrings).map((k) => `${k}=${valueToString(v[k])}`).join(';')}}`;
}
