/**
 * Structural-schema checks (upstream's apiextensions-apiserver
 * pkg/apiserver/schema: NewStructural, ValidateStructural and its
 * completeness check), run on the JSONSchemaProps directly.
 *
 * A structural schema specifies a type at every level (or says the value is
 * int-or-string or preserves unknown fields); value validations under
 * allOf/anyOf/oneOf/not may restrict values but never introduce fields,
 * types, defaults or descriptions; metadata at the root may only restrict
 * name and generateName.
 */
import type { FieldError } from '../field-errors.js';
import { FieldPath, fieldErrorMessage, forbiddenField, invalidValue, required } from '../field-errors.js';
import type { JSONSchemaProps } from './types.js';

type Level = 'root' | 'item' | 'field';

const isSchema = (v: unknown): v is JSONSchemaProps => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The reason NewStructural refuses `s` (a field structural schemas never
 * carry), or undefined. Mirrors upstream's error texts.
 */
export function structuralConversionError(s: JSONSchemaProps): string | undefined {
  const self = unsupportedField(s);
  if (self) return self;
  if (Array.isArray(s.items)) return "OpenAPIV3Schema 'items' must be a schema, but is an array";
  const children: JSONSchemaProps[] = [
    ...(isSchema(s.items) ? [s.items] : []),
    ...Object.values(s.properties ?? {}),
    ...(isSchema(s.additionalProperties) ? [s.additionalProperties] : []),
    ...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? []),
    ...(s.not ? [s.not] : []),
  ];
  for (const c of children) {
    const e = structuralConversionError(c);
    if (e) return e;
  }
  return undefined;
}

function unsupportedField(s: JSONSchemaProps): string | undefined {
  if (s.id) return "OpenAPIV3Schema 'id' is not supported";
  if (s.$schema) return "OpenAPIV3Schema 'schema' is not supported";
  if (s.$ref) return "OpenAPIV3Schema '$ref' is not supported";
  if (s.patternProperties && Object.keys(s.patternProperties).length > 0) return "OpenAPIV3Schema 'patternProperties' is not supported";
  if (s.dependencies && Object.keys(s.dependencies).length > 0) return "OpenAPIV3Schema 'dependencies' is not supported";
  if (s.additionalItems !== undefined) return "OpenAPIV3Schema 'additionalItems' is not supported";
  if (s.definitions && Object.keys(s.definitions).length > 0) return "OpenAPIV3Schema 'definitions' is not supported";
  if (s['x-kubernetes-preserve-unknown-fields'] === false) return "internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined";
  return undefined;
}

/**
 * Upstream's ValidateStructural: the invariants above as field errors under
 * `path` (the schema's own path, e.g. `spec.validation.openAPIV3Schema`),
 * sorted by their text as upstream sorts them. Call only when
 * structuralConversionError(s) is undefined.
 */
export function validateStructural(s: JSONSchemaProps, path: FieldPath): FieldError[] {
  const errs = [...invariants(s, 'root', path), ...completeness(s, s, path, path)];
  const text = (e: FieldError): string => `${e.field}: ${fieldErrorMessage(e)}`;
  return errs.sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
}

function invariants(s: JSONSchemaProps, lvl: Level, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const items = isSchema(s.items) ? s.items : undefined;
  if (s.type === 'array' && !items) errs.push(required(p.child('items'), 'must be specified'));
  if (items) errs.push(...invariants(items, 'item', p.child('items')));
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    errs.push(...invariants(v, 'field', p.child('properties').key(k)));
  }
  if (s.additionalProperties !== undefined) {
    if (lvl === 'root') errs.push(forbiddenField(p.child('additionalProperties'), 'must not be used at the root'));
    if (isSchema(s.additionalProperties)) errs.push(...invariants(s.additionalProperties, 'field', p.child('additionalProperties')));
  }
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (intOrString && preserve) {
    errs.push(invalidValue(p.child('x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  if (intOrString && embedded) {
    errs.push(invalidValue(p.child('x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));
  }
  errs.push(...valueValidation(s, isIntOrStringAnyOf(s.anyOf), isIntOrStringAnyOf(s.allOf?.[0]?.anyOf), p));

  const checkMetadata = lvl === 'root' || embedded;
  const type = s.type ?? '';
  if (embedded && type !== 'object') {
    const msg = 'must be object if x-kubernetes-embedded-resource is true';
    errs.push(type === '' ? required(p.child('type'), msg) : invalidValue(p.child('type'), type, msg));
  } else if (type === '' && !intOrString && !preserve) {
    const msg = lvl === 'root' ? 'must not be empty at the root'
      : lvl === 'item' ? 'must not be empty for specified array items' : 'must not be empty for specified object fields';
    errs.push(required(p.child('type'), msg));
  }
  if (embedded && s.additionalProperties !== undefined) {
    errs.push(forbiddenField(p.child('additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'));
  }
  if (lvl === 'root' && type !== '' && type !== 'object') errs.push(invalidValue(p.child('type'), type, 'must be object at the root'));
  const props = s.properties ?? {};
  for (const k of ['kind', 'apiVersion']) {
    if (checkMetadata && props[k] && props[k].type !== 'string') {
      errs.push(invalidValue(p.child('properties').key(k).child('type'), props[k].type ?? '', 'must be string'));
    }
  }
  if (props.metadata) errs.push(...metadataInvariants(props.metadata, checkMetadata, lvl, p.child('properties').key('metadata')));
  if (embedded && !preserve && Object.keys(props).length === 0) {
    errs.push(required(p.child('properties'), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  return errs;
}

/** Keys of a root metadata schema that NewStructural drops or ValidateStructural tolerates. */
const METADATA_TOLERATED = new Set(['type', 'default', 'properties', 'example', 'externalDocs']);

function metadataInvariants(s: JSONSchemaProps, checkMetadata: boolean, lvl: Level, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (checkMetadata && s.type !== 'object') errs.push(invalidValue(p.child('type'), s.type ?? '', 'must be object'));
  if (lvl === 'root') {
    const names = Object.keys(s.properties ?? {});
    const onlyNames = names.every((n) => n === 'name' || n === 'generateName');
    const extra = Object.keys(s).some((k) => !METADATA_TOLERATED.has(k) && (s as Record<string, unknown>)[k] !== undefined);
    if (extra || !onlyNames) {
      errs.push(forbiddenField(p, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
    }
  }
  return errs;
}

/** Whether `anyOf` is exactly `[{type: integer}, {type: string}]`, the int-or-string idiom. */
function isIntOrStringAnyOf(anyOf: JSONSchemaProps[] | undefined): boolean {
  if (!anyOf || anyOf.length !== 2) return false;
  const only = (x: JSONSchemaProps, t: string): boolean => x.type === t && Object.keys(x).every((k) => k === 'type');
  return only(anyOf[0], 'integer') && only(anyOf[1], 'string');
}

function valueValidation(v: JSONSchemaProps, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!skipAnyOf) (v.anyOf ?? []).forEach((x, i) => errs.push(...nested(x, false, p.child('anyOf').index(i))));
  (v.allOf ?? []).forEach((x, i) => errs.push(...nested(x, skipFirstAllOfAnyOf && i === 0, p.child('allOf').index(i))));
  (v.oneOf ?? []).forEach((x, i) => errs.push(...nested(x, false, p.child('oneOf').index(i))));
  if (v.not) errs.push(...nested(v.not, false, p.child('not')));
  if (v.pattern) {
    const why = patternError(v.pattern);
    if (why) errs.push(invalidValue(p.child('pattern'), v.pattern, `must be a valid regular expression, but isn't: ${why}`));
  }
  return errs;
}

/** Why `pattern` does not compile as a regular expression, or undefined. */
export function patternError(pattern: string): string | undefined {
  try { new RegExp(translateRe2(pattern)); return undefined; } catch (e) { return (e as Error).message; }
}

/**
 * A Go RE2 pattern as a JavaScript one: leading inline flags `(?i)` become a
 * case-insensitive group, `\z` an end anchor, `(?P<n>` a named group.
 */
export function translateRe2(pattern: string): string {
  let p = pattern.replace(/\(\?P</g, '(?<').replace(/\\z/g, '$');
  const m = /^\(\?([ims]+)\)/.exec(p);
  if (m) p = p.slice(m[0].length);
  return p;
}

/** The flags a leading RE2 inline-flag group asks for (`(?i)` -> 'i'). */
export function re2Flags(pattern: string): string {
  const m = /^\(\?([ims]+)\)/.exec(pattern);
  return m ? m[1] : '';
}

function nested(v: JSONSchemaProps, skipAnyOf: boolean, p: FieldPath): FieldError[] {
  const errs = valueValidation(v, skipAnyOf, false, p);
  if (isSchema(v.items)) errs.push(...nested(v.items, false, p.child('items')));
  for (const [k, x] of Object.entries(v.properties ?? {})) errs.push(...nested(x, false, p.child('properties').key(k)));
  if (v.type) errs.push(forbiddenField(p.child('type'), 'must be empty to be structural'));
  if (v.additionalProperties !== undefined) errs.push(forbiddenField(p.child('additionalProperties'), 'must be undefined to be structural'));
  if (v.default !== undefined) errs.push(forbiddenField(p.child('default'), 'must be undefined to be structural'));
  if (v.title) errs.push(forbiddenField(p.child('title'), 'must be empty to be structural'));
  if (v.description) errs.push(forbiddenField(p.child('description'), 'must be empty to be structural'));
  if (v.nullable) errs.push(forbiddenField(p.child('nullable'), 'must be false to be structural'));
  if (v['x-kubernetes-preserve-unknown-fields']) errs.push(forbiddenField(p.child('x-kubernetes-preserve-unknown-fields'), 'must be false to be structural'));
  if (v['x-kubernetes-embedded-resource']) errs.push(forbiddenField(p.child('x-kubernetes-embedded-resource'), 'must be false to be structural'));
  if (v['x-kubernetes-int-or-string']) errs.push(forbiddenField(p.child('x-kubernetes-int-or-string'), 'must be false to be structural'));
  if (v['x-kubernetes-list-map-keys']?.length) errs.push(forbiddenField(p.child('x-kubernetes-list-map-keys'), 'must be empty to be structural'));
  if (v['x-kubernetes-list-type'] !== undefined) errs.push(forbiddenField(p.child('x-kubernetes-list-type'), 'must be undefined to be structural'));
  if (v['x-kubernetes-map-type'] !== undefined) errs.push(forbiddenField(p.child('x-kubernetes-map-type'), 'must be undefined to be structural'));
  if (v['x-kubernetes-validations']?.length) errs.push(forbiddenField(p.child('x-kubernetes-validations'), 'must be empty to be structural'));
  if (v.properties && Object.hasOwn(v.properties, 'metadata')) {
    errs.push(forbiddenField(p.child('properties').key('metadata'), 'must not be specified in a nested context'));
  }
  return errs;
}

/**
 * Every property or items a value validation (allOf/anyOf/oneOf/not) names
 * must also exist in the structural part: `Required value: because it is
 * defined in <path>`. Upstream checks the root's value validations.
 */
function completeness(v: JSONSchemaProps, s: JSONSchemaProps | undefined, sPath: FieldPath, vPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const clauses: [JSONSchemaProps, FieldPath][] = [
    ...(v.not ? [[v.not, vPath.child('not')] as [JSONSchemaProps, FieldPath]] : []),
    ...(v.allOf ?? []).map((x, i): [JSONSchemaProps, FieldPath] => [x, vPath.child('allOf').index(i)]),
    ...(v.anyOf ?? []).map((x, i): [JSONSchemaProps, FieldPath] => [x, vPath.child('anyOf').index(i)]),
    ...(v.oneOf ?? []).map((x, i): [JSONSchemaProps, FieldPath] => [x, vPath.child('oneOf').index(i)]),
  ];
  for (const [x, xp] of clauses) errs.push(...nestedCompleteness(x, s, sPath, xp));
  return errs;
}

function nestedCompleteness(v: JSONSchemaProps, s: JSONSchemaProps | undefined, sPath: FieldPath, vPath: FieldPath): FieldError[] {
  if (!s) return [required(sPath, `because it is defined in ${vPath.toString()}`)];
  const errs = completeness(v, s, sPath, vPath);
  if (isSchema(v.items)) {
    errs.push(...nestedCompleteness(v.items, isSchema(s.items) ? s.items : undefined, sPath.child('items'), vPath.child('items')));
  }
  for (const [k, x] of Object.entries(v.properties ?? {})) {
    const sub = s.properties?.[k];
    if (!sub) errs.push(required(sPath.child('properties').key(k), `because it is defined in ${vPath.child('properties').key(k).toString()}`));
    else errs.push(...nestedCompleteness(x, sub, sPath.child('properties').key(k), vPath.child('properties').key(k)));
  }
  return errs;
}
