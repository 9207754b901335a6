/**
 * Decoded protobuf message → the JSON form the API uses. Follows what Go's
 * encoding/json makes of the same Go struct, with `null` written as absence:
 * a scalar's zero value is dropped unless the field keeps zero (pointer or no
 * omitempty); empty repeated fields and maps are dropped; messages present on
 * the wire are kept (`{}` when empty); well-known types become their strings.
 */
import protobuf from 'protobufjs';
import { badRequest } from '../errors.js';
import { isInline, jsonName, keepsZero } from './root.js';
import { formatGoDuration, formatTimestamp, isZeroTime } from './time.js';
import {
  DURATION, FIELDS_V1, INT_OR_STRING, MICRO_TIME, QUANTITY, RAW_EXTENSION, TIME, int64ToNumber,
} from './well-known.js';

type Fields = Record<string, unknown>;

const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

function has(msg: Fields, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(msg, name) && msg[name] !== null && msg[name] !== undefined;
}

function bytesOf(v: unknown): Uint8Array {
  return v instanceof Uint8Array ? v : new Uint8Array(0);
}

function parseJsonBytes(raw: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch (err) {
    throw badRequest(`${what} does not hold JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const NOT_WELL_KNOWN = Symbol('not well-known');

/** A well-known message's JSON value; undefined means "absent". Returns `NOT_WELL_KNOWN` for other types. */
function wellKnownToJson(typeName: string, m: Fields): unknown {
  switch (typeName) {
    case TIME:
    case MICRO_TIME: {
      // Go writes a zero Time as an empty message (older releases: as year 1).
      if (!has(m, 'seconds') && !has(m, 'nanos')) return undefined;
      const t = { seconds: int64ToNumber(m.seconds ?? 0), nanos: Number(m.nanos ?? 0) };
      return isZeroTime(t) ? undefined : formatTimestamp(t, typeName === TIME ? 0 : 6);
    }
    case DURATION:
      return formatGoDuration(int64ToNumber(m.duration ?? 0));
    case QUANTITY:
      return typeof m.string === 'string' && m.string !== '' ? m.string : '0';
    case INT_OR_STRING:
      return int64ToNumber(m.type ?? 0) === 1 ? String(m.strVal ?? '') : Number(m.intVal ?? 0);
    case RAW_EXTENSION: {
      const raw = bytesOf(m.raw);
      return raw.length === 0 ? undefined : parseJsonBytes(raw, 'a RawExtension');
    }
    case FIELDS_V1: {
      const raw = bytesOf(m.Raw);
      return raw.length === 0 ? undefined : parseJsonBytes(raw, 'fieldsV1');
    }
    default:
      return NOT_WELL_KNOWN;
  }
}

/** One value (not a repeated or map container) of `field` as JSON; undefined means absent. */
function valueToJson(field: protobuf.Field, v: unknown): unknown {
  if (field.resolvedType instanceof protobuf.Type) {
    const t = field.resolvedType;
    const wk = wellKnownToJson(t.fullName.slice(1), v as Fields);
    return wk === NOT_WELL_KNOWN ? messageToJson(t, v as Fields) : wk;
  }
  if (field.type === 'bytes') return Buffer.from(bytesOf(v)).toString('base64');
  if (INT64.has(field.type)) return int64ToNumber(v);
  return v;
}

function isZeroScalar(field: protobuf.Field, v: unknown): boolean {
  if (field.type === 'bytes') return bytesOf(v).length === 0;
  if (INT64.has(field.type)) return int64ToNumber(v) === 0;
  return v === '' || v === 0 || v === false;
}

/** The JSON object for a decoded message of `type` (a protobufjs message or plain object). */
export function messageToJson(type: protobuf.Type, msg: Fields): Fields {
  const out: Fields = {};
  for (const field of type.fieldsArray) {
    if (!has(msg, field.name)) continue;
    const v = msg[field.name];
    const name = jsonName(field);
    if (field instanceof protobuf.MapField) {
      const entries = Object.entries(v as Fields);
      if (entries.length === 0) continue;
      const obj: Fields = {};
      for (const [k, x] of entries) obj[k] = valueToJson(field, x) ?? null;
      out[name] = obj;
    } else if (field.repeated) {
      const arr = (v as unknown[]).map((x) => valueToJson(field, x) ?? null);
      if (arr.length > 0) out[name] = arr;
    } else if (isInline(field) && field.resolvedType instanceof protobuf.Type) {
      Object.assign(out, messageToJson(field.resolvedType, v as Fields));
    } else if (field.resolvedType instanceof protobuf.Type) {
      const j = valueToJson(field, v);
      if (j !== undefined) out[name] = j;
    } else if (!isZeroScalar(field, v) || keepsZero(field)) {
      out[name] = valueToJson(field, v);
    }
  }
  return out;
}
