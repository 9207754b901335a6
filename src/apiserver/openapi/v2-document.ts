/**
 * Renders the route model as one Swagger 2.0 document, as `/openapi/v2`
 * serves it: every path of every served group-version and every definition.
 */
import { DEFINITIONS_REF_PREFIX, type Definitions, type Schema, type SchemaGroupVersionKind } from '../../api/openapi/schema.js';
import type { BodySpec, HttpMethod, OperationSpec, PathSpec } from './operations.js';
import type { ParamSpec } from './parameters.js';

export interface V2Parameter {
  name: string;
  in: 'query' | 'path' | 'body';
  description?: string;
  required?: boolean;
  type?: string;
  uniqueItems?: true;
  schema?: Schema;
}

export interface V2Operation {
  description: string;
  consumes?: string[];
  produces: string[];
  schemes: string[];
  tags: string[];
  operationId: string;
  parameters?: V2Parameter[];
  responses: Record<string, { description: string; schema?: Schema }>;
  'x-kubernetes-action'?: string;
  'x-kubernetes-group-version-kind'?: SchemaGroupVersionKind;
}

export type V2PathItem = { parameters?: V2Parameter[] } & { [M in HttpMethod]?: V2Operation };

export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, V2PathItem>;
  definitions: Record<string, Schema>;
  securityDefinitions: Record<string, { type: string; name: string; in: string; description: string }>;
  security: Array<Record<string, string[]>>;
}

const OBJECT_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const WATCH_TYPES = ['application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
const STATUS_TEXT: Readonly<Record<number, string>> = { 200: 'OK', 201: 'Created', 202: 'Accepted' };

function param(p: ParamSpec): V2Parameter {
  return {
    name: p.name, in: p.in, description: p.description,
    ...(p.required ? { required: true } : {}),
    type: p.type, uniqueItems: true,
  };
}

function bodySchema(body: BodySpec): Schema {
  if (body.kind === 'text') return { type: 'string' };
  if (body.kind === 'patch') return { $ref: `${DEFINITIONS_REF_PREFIX}io.k8s.apimachinery.pkg.apis.meta.v1.Patch` };
  return { $ref: DEFINITIONS_REF_PREFIX + body.name };
}

function operation(op: OperationSpec): V2Operation {
  const parameters: V2Parameter[] = [];
  if (op.body) parameters.push({ name: 'body', in: 'body', ...(op.bodyRequired ? { required: true } : {}), schema: bodySchema(op.body) });
  parameters.push(...op.query.map(param));
  const out: V2Operation = {
    description: op.description,
    ...(op.body ? { consumes: op.body.kind === 'patch' ? [...op.body.contentTypes] : ['*/*'] } : {}),
    produces: op.response.kind === 'text' ? ['text/plain', 'application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']
      : op.watchable ? [...OBJECT_TYPES, ...WATCH_TYPES] : OBJECT_TYPES,
    schemes: ['https'],
    tags: [op.tag],
    operationId: op.operationId,
    responses: {},
  };
  if (parameters.length > 0) out.parameters = parameters;
  for (const code of [200, ...op.extraCodes]) {
    out.responses[String(code)] = { description: STATUS_TEXT[code] ?? 'OK', schema: bodySchema(op.response) };
  }
  out.responses['401'] = { description: 'Unauthorized' };
  if (op.action) out['x-kubernetes-action'] = op.action;
  if (op.gvk) out['x-kubernetes-group-version-kind'] = { ...op.gvk };
  return out;
}

/** Renders paths in Swagger 2.0 form, keyed by path. */
export function renderV2Paths(paths: readonly PathSpec[]): Record<string, V2PathItem> {
  const out: Record<string, V2PathItem> = {};
  for (const p of paths) {
    const item: V2PathItem = out[p.path] ?? {};
    if (p.params.length > 0) item.parameters = p.params.map(param);
    for (const op of p.operations) item[op.method] = operation(op);
    out[p.path] = item;
  }
  return out;
}

/** The whole Swagger 2.0 document: `paths` rendered, every definition of `defs` included. */
export function buildSwaggerDocument(paths: readonly PathSpec[], defs: Definitions, info: { title: string; version: string }): SwaggerDocument {
  const sortedPaths = [...paths].sort((a, b) => a.path.localeCompare(b.path));
  const definitions: Record<string, Schema> = {};
  for (const name of Object.keys(defs).sort()) definitions[name] = defs[name]!;
  return {
    swagger: '2.0',
    info: { ...info },
    paths: renderV2Paths(sortedPaths),
    definitions,
    securityDefinitions: {
      BearerToken: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer Token authentication' },
    },
    security: [{ BearerToken: [] }],
  };
}
