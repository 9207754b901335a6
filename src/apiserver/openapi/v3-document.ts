/**
 * Renders the route model as OpenAPI 3.0 documents, one per group-version, as
 * `/openapi/v3/<key>` serves them: the paths, and under `components.schemas`
 * exactly the definitions those paths reach, in their OpenAPI 3 form.
 */
import { COMPONENTS_REF_PREFIX, type Definitions, type Schema, type SchemaGroupVersionKind } from '../../api/openapi/schema.js';
import { forEachRef, reachableDefinitions } from '../../api/openapi/refs.js';
import type { BodySpec, HttpMethod, OperationSpec, PathSpec } from './operations.js';
import type { ParamSpec } from './parameters.js';

export interface V3Parameter {
  name: string;
  in: 'query' | 'path';
  description: string;
  required?: boolean;
  schema: { type: string; uniqueItems: true };
}

export interface V3MediaType { schema: Schema }

export interface V3Operation {
  description: string;
  operationId: string;
  tags: string[];
  parameters?: V3Parameter[];
  requestBody?: { content: Record<string, V3MediaType>; required?: boolean };
  responses: Record<string, { description: string; content?: Record<string, V3MediaType> }>;
  'x-kubernetes-action'?: string;
  /** An object here (on schemas it is a list): kubectl reads it to find the PATCH of a kind. */
  'x-kubernetes-group-version-kind'?: SchemaGroupVersionKind;
}

export type V3PathItem = { parameters?: V3Parameter[] } & { [M in HttpMethod]?: V3Operation };

export interface OpenApiV3Document {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, V3PathItem>;
  components: { schemas: Record<string, Schema> };
}

/** The body of the `/openapi/v3` index. */
export interface OpenApiV3Index {
  paths: Record<string, { serverRelativeURL: string }>;
}

const OBJECT_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const WATCH_TYPES = ['application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
const STATUS_TEXT: Readonly<Record<number, string>> = { 200: 'OK', 201: 'Created', 202: 'Accepted' };

function param(p: ParamSpec): V3Parameter {
  return {
    name: p.name, in: p.in, description: p.description,
    ...(p.required ? { required: true } : {}),
    schema: { type: p.type, uniqueItems: true },
  };
}

const ref = (name: string): Schema => ({ $ref: COMPONENTS_REF_PREFIX + name });

function content(body: BodySpec, types: readonly string[]): Record<string, V3MediaType> {
  if (body.kind === 'text') return { 'text/plain': { schema: { type: 'string' } } };
  if (body.kind === 'patch') return Object.fromEntries(body.contentTypes.map((t) => [t, { schema: ref('io.k8s.apimachinery.pkg.apis.meta.v1.Patch') }]));
  return Object.fromEntries(types.map((t) => [t, { schema: ref(body.name) }]));
}

function operation(op: OperationSpec): V3Operation {
  const out: V3Operation = { description: op.description, operationId: op.operationId, tags: [op.tag], responses: {} };
  if (op.query.length > 0) out.parameters = op.query.map(param);
  if (op.body) out.requestBody = { content: content(op.body, ['*/*']), ...(op.bodyRequired ? { required: true } : {}) };
  const types = op.watchable ? [...OBJECT_TYPES, ...WATCH_TYPES] : OBJECT_TYPES;
  for (const code of [200, ...op.extraCodes]) {
    out.responses[String(code)] = { description: STATUS_TEXT[code] ?? 'OK', content: content(op.response, types) };
  }
  out.responses['401'] = { description: 'Unauthorized' };
  if (op.action) out['x-kubernetes-action'] = op.action;
  if (op.gvk) out['x-kubernetes-group-version-kind'] = { ...op.gvk };
  return out;
}

/** Renders paths in OpenAPI 3 form, keyed by path. */
export function renderV3Paths(paths: readonly PathSpec[]): Record<string, V3PathItem> {
  const out: Record<string, V3PathItem> = {};
  for (const p of paths) {
    const item: V3PathItem = out[p.path] ?? {};
    if (p.params.length > 0) item.parameters = p.params.map(param);
    for (const op of p.operations) item[op.method] = operation(op);
    out[p.path] = item;
  }
  return out;
}

/**
 * A complete document for `paths`. `schemaV3` gives the OpenAPI 3 form of a
 * definition (callers memoize it); definitions missing from `defs` are left
 * out, which the caller's tests catch as dangling references.
 */
export function buildV3Document(paths: readonly PathSpec[], defs: Definitions, schemaV3: (name: string) => Schema,
  info: { title: string; version: string }): OpenApiV3Document {
  const rendered = renderV3Paths(paths);
  const roots = new Set<string>();
  forEachRef(rendered, (target) => roots.add(target));
  const schemas: Record<string, Schema> = {};
  for (const name of reachableDefinitions(defs, roots)) {
    if (defs[name]) schemas[name] = schemaV3(name);
  }
  return { openapi: '3.0.0', info: { ...info }, paths: rendered, components: { schemas } };
}
