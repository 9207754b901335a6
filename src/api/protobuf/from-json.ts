/**
 * JSON form of the API → a plain object protobufjs encodes as the message of
 * `type`: the inverse of to-json.ts. Every JSON field must exist in the
 * schema; `null` means absent. Type mismatches and unknown fields throw a
 * BadRequest naming the JSON path.
 */
import protobuf from 'protobufjs';
import { badRequest } from '../errors.js';
import { isInline, jsonName } from './root.js';
import { parseGoDuration, parseTimestamp } from './time.js';
import { DURATION, FIELDS_V1, INT_OR_STRING, MICRO_TIME, QUANTITY, RAW_EXTENSION, TIME } from './well-known.js';

type Fields = Record<string, unknown>;

const INTEGERS = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

function fail(path: string, want: string, v: unknown): never {
  throw badRequest(`${path}: expected ${want}, got ${v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v} ${JSON.stringify(v)}`);
}

function isObject(v: unknown): v is Fields {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const NOT_WELL_KNOWN = Symbol('not well-known');

function wellKnownFromJson(typeName: string, v: unknown, path: string): unknown {
  switch (typeName) {
    case TIME:
    case MICRO_TIME: {
      const t = typeof v === 'string' ? parseTimestamp(v) : undefined;
      return t ?? fail(path, 'an RFC 3339 time', v);
    }
    case DURATION: {
      const d = typeof v === 'string' ? parseGoDuration(v) : undefined;
      return d === undefined ? fail(path, 'a duration like "1h30m"', v) : { duration: d };
    }
    case QUANTITY:
      if (typeof v === 'string' || typeof v === 'number') return { string: String(v) };
      return fail(path, 'a quantity', v);
    case INT_OR_STRING:
      if (typeof v === 'number' && Number.isInteger(v)) return { type: 0, intVal: v, strVal: '' };
      if (typeof v === 'string') return { type: 1, intVal: 0, strVal: v };
      return fail(path, 'an integer or a string', v);
    case RAW_EXTENSION:
      return { raw: Buffer.from(JSON.stringify(v), 'utf8') };
    case FIELDS_V1:
      return isObject(v) ? { Raw: Buffer.from(JSON.stringify(v), 'utf8') } : fail(path, 'an object', v);
    default:
      return NOT_WELL_KNOWN;
  }
}

function scalarFromJson(field: protobuf.Field, v: unknown, path: string): unknown {
  const t = field.type;
  if (t === 'string') return typeof v === 'string' ? v : fail(path, 'a string', v);
  if (t === 'bool') return typeof v === 'boolean' ? v : fail(path, 'a boolean', v);
  if (t === 'bytes') {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) fail(path, 'base64 data', v);
    return Buffer.from(v, 'base64');
  }
  if (INTEGERS.has(t)) return typeof v === 'number' && Number.isInteger(v) ? v : fail(path, 'an integer', v);
  return typeof v === 'number' ? v : fail(path, 'a number', v);
}

function valueFromJson(field: protobuf.Field, v: unknown, path: string): unknown {
  if (field.resolvedType instanceof protobuf.Type) {
    const t = field.resolvedType;
    const wk = wellKnownFromJson(t.fullName.slice(1), v, path);
    if (wk !== NOT_WELL_KNOWN) return wk;
    return isObject(v) ? messageFromJson(t, v, path) : fail(path, 'an object', v);
  }
  return scalarFromJson(field, v, path);
}

/** Every JSON name a type accepts, through inline fields, mapped to the field that takes it. */
function jsonNames(type: protobuf.Type): Map<string, protobuf.Field> {
  const names = new Map<string, protobuf.Field>();
  for (const field of type.fieldsArray) {
    if (isInline(field) && field.resolvedType instanceof protobuf.Type) {
      for (const n of jsonNames(field.resolvedType).keys()) names.set(n, field);
    } else {
      names.set(jsonName(field), field);
    }
  }
  return names;
}

const NAME_CACHE = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();

function namesOf(type: protobuf.Type): Map<string, protobuf.Field> {
  let m = NAME_CACHE.get(type);
  if (!m) { m = jsonNames(type); NAME_CACHE.set(type, m); }
  return m;
}

/** The plain protobufjs object for JSON `json` of message `type`; `path` prefixes error messages. */
export function messageFromJson(type: protobuf.Type, json: Fields, path = ''): Fields {
  const out: Fields = {};
  const inline = new Map<protobuf.Field, Fields>();
  for (const field of type.fieldsArray) {
    if (isInline(field)) inline.set(field, {});
  }
  const names = namesOf(type);
  for (const [key, v] of Object.entries(json)) {
    const p = path ? `${path}.${key}` : key;
    const field = names.get(key);
    if (!field) throw badRequest(`${p}: unknown field for ${type.fullName.slice(1)}`);
    if (v === null || v === undefined) continue;
    if (inline.has(field)) { inline.get(field)![key] = v; continue; }
    if (field instanceof protobuf.MapField) {
      if (!isObject(v)) fail(p, 'an object', v);
      const m: Fields = {};
      for (const [k, x] of Object.entries(v)) if (x !== null) m[k] = valueFromJson(field, x, `${p}[${JSON.stringify(k)}]`);
      out[field.name] = m;
    } else if (field.repeated) {
      if (!Array.isArray(v)) fail(p, 'an array', v);
      out[field.name] = v.map((x, i) => valueFromJson(field, x, `${p}[${i}]`));
    } else {
      out[field.name] = valueFromJson(field, v, p);
    }
  }
  for (const [field, sub] of inline) {
    out[field.name] = messageFromJson(field.resolvedType as protobuf.Type, sub, path);
  }
  return out;
}
