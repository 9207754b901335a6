/**
 * CRD-time checks of one openAPIV3Schema (upstream's
 * pkg/apis/apiextensions/validation: validateCustomResourceDefinitionValidation
 * with ValidateCustomResourceDefinitionOpenAPISchema and specStandardValidatorV3,
 * plus the structural-schema and default-value checks). Every schema a CRD
 * stores must pass these: the custom-resource engine relies on them.
 */
import type { FieldError } from '../field-errors.js';
import { FieldPath, forbiddenField, invalidValue, notSupported, required } from '../field-errors.js';
import { deepEqual } from '../object.js';
import { pruneUnknownFields } from './prune.js';
import { structuralConversionError, validateStructural } from './structural.js';
import type { JSONSchemaProps } from './types.js';
import { compileValidator, newValueValidator } from './validator.js';

const OPENAPI_V3_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);

/** Go field names of JSONSchemaProps allowed at the root when the status subresource is enabled. */
const ALLOWED_AT_ROOT = ['Description', 'Type', 'Format', 'Title', 'Maximum', 'ExclusiveMaximum', 'Minimum',
  'ExclusiveMinimum', 'MaxLength', 'MinLength', 'Pattern', 'MaxItems', 'MinItems', 'UniqueItems', 'MultipleOf',
  'Required', 'Items', 'Properties', 'ExternalDocs', 'Example', 'XPreserveUnknownFields', 'XValidations'];

/** JSON key -> Go field name, in upstream's struct order. */
const GO_FIELDS: [keyof JSONSchemaProps, string][] = [
  ['id', 'ID'], ['$schema', 'Schema'], ['$ref', 'Ref'], ['description', 'Description'], ['type', 'Type'],
  ['format', 'Format'], ['title', 'Title'], ['default', 'Default'], ['maximum', 'Maximum'],
  ['exclusiveMaximum', 'ExclusiveMaximum'], ['minimum', 'Minimum'], ['exclusiveMinimum', 'ExclusiveMinimum'],
  ['maxLength', 'MaxLength'], ['minLength', 'MinLength'], ['pattern', 'Pattern'], ['maxItems', 'MaxItems'],
  ['minItems', 'MinItems'], ['uniqueItems', 'UniqueItems'], ['multipleOf', 'MultipleOf'], ['enum', 'Enum'],
  ['maxProperties', 'MaxProperties'], ['minProperties', 'MinProperties'], ['required', 'Required'],
  ['items', 'Items'], ['allOf', 'AllOf'], ['oneOf', 'OneOf'], ['anyOf', 'AnyOf'], ['not', 'Not'],
  ['properties', 'Properties'], ['additionalProperties', 'AdditionalProperties'],
  ['patternProperties', 'PatternProperties'], ['dependencies', 'Dependencies'],
  ['additionalItems', 'AdditionalItems'], ['definitions', 'Definitions'], ['externalDocs', 'ExternalDocs'],
  ['example', 'Example'], ['nullable', 'Nullable'], ['x-kubernetes-preserve-unknown-fields', 'XPreserveUnknownFields'],
  ['x-kubernetes-embedded-resource', 'XEmbeddedResource'], ['x-kubernetes-int-or-string', 'XIntOrString'],
  ['x-kubernetes-list-map-keys', 'XListMapKeys'], ['x-kubernetes-list-type', 'XListType'],
  ['x-kubernetes-map-type', 'XMapType'], ['x-kubernetes-validations', 'XValidations'],
];

const isZero = (v: unknown): boolean => v === undefined || v === false || v === 0 || v === ''
  || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

const asSchema = (v: unknown): JSONSchemaProps | undefined =>
  (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as JSONSchemaProps : undefined);

export interface SchemaCheckOptions {
  /** The status subresource is enabled for a version using this schema (restricts the root). */
  statusEnabled: boolean;
}

/**
 * All errors of `schema` stored at `path` + `.openAPIV3Schema` (`path` is
 * `spec.validation` when every version shares the schema, else
 * `spec.versions[i].schema`), in upstream's order.
 */
export function validateCrdSchema(schema: JSONSchemaProps, path: FieldPath, opts: SchemaCheckOptions): FieldError[] {
  const errs: FieldError[] = [];
  const sp = path.child('openAPIV3Schema');
  if (opts.statusEnabled) {
    for (const [key, goName] of GO_FIELDS) {
      if (isZero(schema[key])) continue;
      if (key === 'type') {
        if (schema.type !== 'object') {
          errs.push(invalidValue(path.child('openAPIV3Schema.type'), schema.type, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
          break;
        }
        continue;
      }
      if (!ALLOWED_AT_ROOT.includes(goName)) {
        errs.push(invalidValue(sp, schema, `only [${ALLOWED_AT_ROOT.join(' ')}] fields are allowed at the root of the schema if the status subresource is enabled`));
        break;
      }
    }
  }
  if (schema.nullable) errs.push(forbiddenField(path.child('openAPIV3Schema.nullable'), 'nullable cannot be true at the root'));

  const initErrs: FieldError[] = [];
  const conversion = structuralConversionError(schema);
  if (conversion) initErrs.push(invalidValue(sp, '', conversion));
  else {
    const structural = validateStructural(schema, sp);
    if (structural.length > 0) errs.push(...structural);
    else errs.push(...validateDefaults(schema, sp));
  }
  errs.push(...openApiChecks(schema, sp, { allowDefaults: true, insideMeta: false }, true));
  if (errs.length === 0) errs.push(...initErrs);
  if (errs.length === 0) {
    try { compileValidator(schema); } catch (e) {
      errs.push(invalidValue(path, '', `error building validator: ${(e as Error).message}`));
    }
  }
  return errs;
}

/**
 * Every `default` must validate against its own schema and must survive
 * pruning (`must not have unknown fields`); upstream's ValidateDefaults.
 */
function validateDefaults(s: JSONSchemaProps, p: FieldPath, insideMeta = false, isRoot = true): FieldError[] {
  const errs: FieldError[] = [];
  if (s.default !== undefined && !insideMeta) {
    const dp = p.child('default');
    const pruned = structuredClone(s.default);
    pruneUnknownFields(pruned, s, s['x-kubernetes-embedded-resource'] === true);
    if (!deepEqual(pruned, s.default)) errs.push(invalidValue(dp, s.default, 'must not have unknown fields'));
    errs.push(...newValueValidator(s).validate(s.default, dp.toString()));
  }
  const items = asSchema(s.items);
  if (items) errs.push(...validateDefaults(items, p.child('items'), insideMeta, false));
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    errs.push(...validateDefaults(v, p.child('properties').key(k), insideMeta || (isRoot && k === 'metadata'), false));
  }
  const extra = asSchema(s.additionalProperties);
  if (extra) errs.push(...validateDefaults(extra, p.child('additionalProperties'), insideMeta, false));
  return errs;
}

interface Ssv { allowDefaults: boolean; disallowReason?: string; insideMeta: boolean }

/** specStandardValidatorV3 on one node. */
function standard(s: JSONSchemaProps, p: FieldPath, v: Ssv): FieldError[] {
  const errs: FieldError[] = [];
  if (s.type && !OPENAPI_V3_TYPES.includes(s.type)) errs.push(notSupported(p.child('type'), s.type, OPENAPI_V3_TYPES));
  if (s.default !== undefined && !v.allowDefaults) {
    errs.push(forbiddenField(p.child('default'), `must not be set${v.disallowReason ? ` ${v.disallowReason}` : ''}`));
  }
  if (s.id) errs.push(forbiddenField(p.child('id'), 'id is not supported'));
  if (s.additionalItems !== undefined) errs.push(forbiddenField(p.child('additionalItems'), 'additionalItems is not supported'));
  if (s.patternProperties && Object.keys(s.patternProperties).length > 0) errs.push(forbiddenField(p.child('patternProperties'), 'patternProperties is not supported'));
  if (s.definitions && Object.keys(s.definitions).length > 0) errs.push(forbiddenField(p.child('definitions'), 'definitions is not supported'));
  if (s.dependencies !== undefined) errs.push(forbiddenField(p.child('dependencies'), 'dependencies is not supported'));
  if (s.$ref !== undefined) errs.push(forbiddenField(p.child('$ref'), '$ref is not supported'));
  if (s.type === 'null') errs.push(forbiddenField(p.child('type'), 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(s.items) && s.items.length > 0) errs.push(forbiddenField(p.child('items'), 'items must be a schema object and not an array'));
  if (v.insideMeta && s['x-kubernetes-embedded-resource']) errs.push(forbiddenField(p.child('x-kubernetes-embedded-resource'), 'must not be used inside of resource meta'));
  return errs;
}

/** ValidateCustomResourceDefinitionOpenAPISchema, without CEL (x-kubernetes-validations are only shape-checked). */
function openApiChecks(s: JSONSchemaProps, p: FieldPath, v: Ssv, isRoot: boolean): FieldError[] {
  const errs = standard(s, p, v);
  if (s.uniqueItems) errs.push(forbiddenField(p.child('uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  const hasProps = Object.keys(s.properties ?? {}).length > 0;
  if (s.additionalProperties !== undefined) {
    if (hasProps && s.additionalProperties !== true) errs.push(forbiddenField(p.child('additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
    const extra = asSchema(s.additionalProperties);
    const sub = v.insideMeta ? { ...v, allowDefaults: false, disallowReason: 'inside additionalProperties applying to object metadata' } : v;
    if (extra) errs.push(...openApiChecks(extra, p.child('additionalProperties'), sub, false));
  }
  for (const [k, x] of Object.entries(s.properties ?? {})) {
    let sub = v;
    if ((isRoot || s['x-kubernetes-embedded-resource']) && META_FIELDS.has(k)) {
      sub = { ...sub, insideMeta: true };
      if (isRoot) sub = { ...sub, allowDefaults: false, disallowReason: `in top-level ${k}` };
    }
    errs.push(...openApiChecks(x, p.child('properties').key(k), sub, false));
  }
  if (s.not) errs.push(...openApiChecks(s.not, p.child('not'), v, false));
  for (const k of ['allOf', 'oneOf', 'anyOf'] as const) (s[k] ?? []).forEach((x, i) => errs.push(...openApiChecks(x, p.child(k).index(i), v, false)));
  for (const [k, x] of Object.entries(s.definitions ?? {})) errs.push(...openApiChecks(x, p.child('definitions').key(k), v, false));
  const items = asSchema(s.items);
  if (items) errs.push(...openApiChecks(items, p.child('items'), v, false));
  if (Array.isArray(s.items)) s.items.forEach((x, i) => errs.push(...openApiChecks(x, p.child('items').index(i), v, false)));
  for (const [k, x] of Object.entries(s.dependencies ?? {})) {
    const ds = asSchema(x);
    if (ds) errs.push(...openApiChecks(ds, p.child('dependencies').key(k), v, false));
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    errs.push(invalidValue(p.child('x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  }
  errs.push(...extensionChecks(s, p));
  return errs;
}

function extensionChecks(s: JSONSchemaProps, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const mapType = s['x-kubernetes-map-type'];
  const listType = s['x-kubernetes-list-type'];
  const mapKeys = s['x-kubernetes-list-map-keys'] ?? [];
  const items = asSchema(s.items);
  if (mapType !== undefined && s.type !== 'object') {
    const msg = 'must be object if x-kubernetes-map-type is specified';
    errs.push(s.type ? invalidValue(p.child('type'), s.type, msg) : required(p.child('type'), msg));
  }
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') {
    errs.push(notSupported(p.child('x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  }
  if (listType !== undefined && s.type !== 'array') {
    const msg = 'must be array if x-kubernetes-list-type is specified';
    errs.push(s.type ? invalidValue(p.child('type'), s.type, msg) : required(p.child('type'), msg));
  } else if (listType === 'set' && items) {
    if (items.type === 'array' && items['x-kubernetes-list-type'] !== undefined && items['x-kubernetes-list-type'] !== 'atomic') {
      errs.push(invalidValue(p.child('items').child('x-kubernetes-list-type'), items['x-kubernetes-list-type'], 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
    if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      errs.push(invalidValue(p.child('items').child('x-kubernetes-map-type'), listType, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
  }
  if (listType !== undefined && !['atomic', 'set', 'map'].includes(listType)) {
    errs.push(notSupported(p.child('x-kubernetes-list-type'), listType, ['atomic', 'set', 'map']));
  }
  if (mapKeys.length > 0) {
    if (listType === undefined) errs.push(required(p.child('x-kubernetes-list-type'), 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (listType !== 'map') errs.push(invalidValue(p.child('x-kubernetes-list-type'), listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType === 'map') {
    if (mapKeys.length === 0) errs.push(required(p.child('x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'));
    if (s.items === undefined) errs.push(required(p.child('items'), 'must have a schema if x-kubernetes-list-type is map'));
    if (Array.isArray(s.items)) errs.push(invalidValue(p.child('items'), s.items, 'must only have a single schema if x-kubernetes-list-type is map'));
    if (items && items.type !== 'object') errs.push(invalidValue(p.child('items').child('type'), items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    if (items?.type === 'object') {
      const seen = new Set<string>();
      for (const k of mapKeys) {
        const ks = items.properties?.[k];
        if (ks) {
          if (ks.type === 'array' || ks.type === 'object') {
            errs.push(invalidValue(p.child('items').child('properties').key(k).child('type'), items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
          }
        } else errs.push(invalidValue(p.child('x-kubernetes-list-map-keys'), mapKeys, 'entries must all be names of item properties'));
        if (seen.has(k)) errs.push(invalidValue(p.child('x-kubernetes-list-map-keys'), mapKeys, 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  if (items && (listType === 'set' || listType === 'map')) {
    if (items.nullable) errs.push(forbiddenField(p.child('items').child('nullable'), `cannot be nullable when x-kubernetes-list-type is ${listType}`));
    if (listType === 'map') {
      const req = new Set(items.required ?? []);
      for (const k of mapKeys) {
        const ks = items.properties?.[k];
        if (!ks) continue;
        if (!req.has(k) && ks.default === undefined) {
          errs.push(required(p.child('items').child('properties').key(k).child('default'), 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
        }
        if (ks.nullable) errs.push(forbiddenField(p.child('items').child('properties').key(k).child('nullable'), 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
      }
    }
  }
  (s['x-kubernetes-validations'] ?? []).forEach((r, i) => {
    const rp = p.child('x-kubernetes-validations').index(i);
    const rule = (r.rule ?? '').trim();
    const msg = (r.message ?? '').trim();
    if (rule === '') errs.push(required(rp.child('rule'), 'rule is not specified'));
    else if (r.message && msg === '') errs.push(invalidValue(rp.child('message'), r.message, 'message must be non-empty if specified'));
    else if (/[\n\r]/.test(msg)) errs.push(invalidValue(rp.child('message'), r.message, 'message must not contain line breaks'));
    else if (/[\n\r]/.test(rule) && msg === '') errs.push(required(rp.child('message'), 'message must be specified if rule contains line breaks'));
    if (r.messageExpression !== undefined && r.messageExpression.length > 0 && r.messageExpression.trim() === '') {
      errs.push(required(rp.child('messageExpression'), 'messageExpression must be non-empty if specified'));
    }
    const reasons = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
    if (r.reason !== undefined && !reasons.includes(r.reason)) errs.push(notSupported(rp.child('reason'), r.reason, reasons));
  });
  return errs;
}
