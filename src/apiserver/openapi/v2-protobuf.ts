/**
 * Encodes the Swagger 2.0 document as the protobuf `openapi.v2.Document` of
 * github.com/google/gnostic (openapiv2/OpenAPIv2.proto), the form kubectl and
 * client-go ask `/openapi/v2` for (and the only one they can parse: kubectl
 * 1.27-1.28 `explain` fail without it). Vendor extensions travel as YAML
 * text (JSON is YAML); schema keys with no field in that message (anyOf,
 * oneOf, not, nullable) are dropped, as upstream drops them from v2.
 */
import type { Schema } from '../../api/openapi/schema.js';
import { ProtoWriter } from './protobuf-writer.js';
import type { SwaggerDocument, V2Operation, V2Parameter, V2PathItem } from './v2-document.js';

/** The media type a protobuf v2 document is served as (never the `@` form, which Go's MIME parser rejects). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const w = (): ProtoWriter => new ProtoWriter();

/** `Any{yaml}` holding `value` as JSON text. */
function any(value: unknown): Buffer {
  return w().string(2, JSON.stringify(value)).finish();
}

/** `repeated NamedAny vendor_extension`: every `x-` key of `obj`. */
function vendorExtensions(obj: object): Buffer[] {
  return Object.entries(obj)
    .filter(([k]) => k.startsWith('x-'))
    .map(([k, v]) => w().string(1, k).message(2, any(v)).finish());
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `openapi.v2.Schema`. */
export function encodeSchema(s: Schema): Buffer {
  const o = s as Record<string, unknown>;
  const m = w()
    .string(1, s.$ref)
    .string(2, s.format)
    .string(3, str(o['title']))
    .string(4, s.description);
  if (o['default'] !== undefined) m.message(5, any(o['default']));
  m.double(6, num(o['multipleOf'])).double(7, num(o['maximum'])).bool(8, bool(o['exclusiveMaximum']))
    .double(9, num(o['minimum'])).bool(10, bool(o['exclusiveMinimum']))
    .int64(11, num(o['maxLength'])).int64(12, num(o['minLength'])).string(13, str(o['pattern']))
    .int64(14, num(o['maxItems'])).int64(15, num(o['minItems'])).bool(16, bool(o['uniqueItems']))
    .int64(17, num(o['maxProperties'])).int64(18, num(o['minProperties']))
    .strings(19, s.required);
  if (Array.isArray(s.enum)) m.messages(20, s.enum.map(any));
  if (s.additionalProperties !== undefined) {
    m.message(21, typeof s.additionalProperties === 'boolean'
      ? w().bool(2, s.additionalProperties).finish()
      : w().message(1, encodeSchema(s.additionalProperties)).finish());
  }
  if (s.type !== undefined) m.message(22, w().strings(1, [s.type]).finish());
  if (s.items !== undefined) m.message(23, w().message(1, encodeSchema(s.items)).finish());
  if (s.allOf) m.messages(24, s.allOf.map(encodeSchema));
  if (s.properties) {
    m.message(25, w().messages(1, Object.entries(s.properties).map(([name, p]) => w().string(1, name).message(2, encodeSchema(p)).finish())).finish());
  }
  m.bool(27, bool(o['readOnly']));
  if (o['example'] !== undefined) m.message(30, any(o['example']));
  return m.messages(31, vendorExtensions(s)).finish();
}

/** `openapi.v2.ParametersItem` wrapping a body, query or path parameter. */
function encodeParameter(p: V2Parameter): Buffer {
  let parameter: Buffer;
  if (p.in === 'body') {
    const body = w().string(1, p.description).string(2, p.name).string(3, p.in).bool(4, p.required)
      .message(5, p.schema ? encodeSchema(p.schema) : undefined).finish();
    parameter = w().message(1, body).finish();
  } else {
    // QueryParameterSubSchema and PathParameterSubSchema differ after `name`.
    const sub = p.in === 'query'
      ? w().bool(1, p.required).string(2, p.in).string(3, p.description).string(4, p.name).string(6, p.type).bool(20, p.uniqueItems).finish()
      : w().bool(1, p.required).string(2, p.in).string(3, p.description).string(4, p.name).string(5, p.type).bool(19, p.uniqueItems).finish();
    parameter = w().message(2, w().message(p.in === 'query' ? 3 : 4, sub).finish()).finish();
  }
  return w().message(1, parameter).finish();
}

function encodeOperation(op: V2Operation): Buffer {
  const responses = Object.entries(op.responses).map(([code, r]) => {
    const response = w().string(1, r.description).message(2, r.schema ? w().message(1, encodeSchema(r.schema)).finish() : undefined).finish();
    return w().string(1, code).message(2, w().message(1, response).finish()).finish();
  });
  return w()
    .strings(1, op.tags).string(3, op.description).string(5, op.operationId)
    .strings(6, op.produces).strings(7, op.consumes)
    .messages(8, (op.parameters ?? []).map(encodeParameter))
    .message(9, w().messages(1, responses).finish())
    .strings(10, op.schemes)
    .messages(13, vendorExtensions(op))
    .finish();
}

const METHOD_FIELDS = { get: 2, put: 3, post: 4, delete: 5, patch: 8 } as const;

function encodePathItem(item: V2PathItem): Buffer {
  const m = w();
  for (const [method, field] of Object.entries(METHOD_FIELDS)) {
    const op = item[method as keyof typeof METHOD_FIELDS];
    if (op) m.message(field, encodeOperation(op));
  }
  return m.messages(9, (item.parameters ?? []).map(encodeParameter)).finish();
}

/**
 * The whole `openapi.v2.Document`. `schemaCache`, when given, keeps each
 * definition's encoding by schema object: pass the same map across calls so
 * that unchanged (frozen, shared) definitions are encoded once.
 */
export function encodeSwaggerDocument(doc: SwaggerDocument, schemaCache?: WeakMap<Schema, Buffer>): Buffer {
  const paths = Object.entries(doc.paths).map(([path, item]) => w().string(1, path).message(2, encodePathItem(item)).finish());
  const encode = (s: Schema): Buffer => {
    let b = schemaCache?.get(s);
    if (!b) { b = encodeSchema(s); schemaCache?.set(s, b); }
    return b;
  };
  const definitions = Object.entries(doc.definitions).map(([name, s]) => w().string(1, name).message(2, encode(s)).finish());
  const security = doc.security.map((req) => w().messages(1, Object.entries(req).map(([name, scopes]) =>
    w().string(1, name).message(2, w().strings(1, scopes).finish()).finish())).finish());
  const securityDefinitions = Object.entries(doc.securityDefinitions).map(([name, d]) =>
    w().string(1, name).message(2, w().message(2, w().string(1, d.type).string(2, d.name).string(3, d.in).string(4, d.description).finish()).finish()).finish());
  return w()
    .string(1, doc.swagger)
    .message(2, w().string(1, doc.info.title).string(2, doc.info.version).finish())
    .message(8, w().messages(2, paths).finish())
    .message(9, w().messages(1, definitions).finish())
    .messages(12, security)
    .message(13, w().messages(1, securityDefinitions).finish())
    .finish();
}
