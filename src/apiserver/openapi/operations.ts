/**
 * The route model: which paths and operations a set of served resources has,
 * independent of how a v2 or v3 document renders them. Built from
 * `ResourceDef`s the way upstream's endpoint installer registers routes
 * (collection, item, all-namespaces list, subresources), with only the verbs
 * each resource supports.
 */
import type { ResourceDef, SubresourceDef } from '../../api/resources.js';
import type { SchemaGroupVersionKind } from '../../api/openapi/schema.js';
import { groupVersionKey, groupVersionPrefix, operationGroupName, tagName } from './naming.js';
import {
  CONNECT_PARAMS, CREATE_PARAMS, DELETE_COLLECTION_PARAMS, DELETE_PARAMS, LIST_PARAMS, LOG_PARAMS, NAMESPACE_PARAM,
  PATCH_PARAMS, QUERY_PARAMS, UPDATE_PARAMS, nameParam, type ParamSpec, type QueryParamName,
} from './parameters.js';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** The value of `x-kubernetes-action`. */
export type KubernetesAction = 'list' | 'post' | 'deletecollection' | 'get' | 'put' | 'patch' | 'delete' | 'connect';

/** What a request or response body is. */
export type BodySpec =
  | { kind: 'definition'; name: string }
  /** A patch document (`meta.v1.Patch`) in one of these content types. */
  | { kind: 'patch'; contentTypes: readonly string[] }
  | { kind: 'text' };

export interface OperationSpec {
  method: HttpMethod;
  /** Absent on discovery operations (`/apis/apps/`), as upstream has it. */
  action?: KubernetesAction;
  operationId: string;
  description: string;
  tag: string;
  /** The kind the operation acts on (`x-kubernetes-group-version-kind` of the operation). */
  gvk?: SchemaGroupVersionKind;
  query: ParamSpec[];
  body?: BodySpec;
  /** Whether the body is required (false for DELETE's DeleteOptions). */
  bodyRequired?: boolean;
  /** Response body of every 2xx code. */
  response: BodySpec;
  /** 2xx codes besides 200, in order (`201`, `202`). */
  extraCodes: number[];
  /** True for list operations, whose response can also be a watch stream. */
  watchable?: boolean;
}

export interface PathSpec {
  path: string;
  /** Path-level parameters (`name`, `namespace`, `pretty`). */
  params: ParamSpec[];
  operations: OperationSpec[];
}

export interface GroupVersionRoutes {
  group: string;
  version: string;
  /** `api/v1`, `apis/apps/v1`. */
  key: string;
  paths: PathSpec[];
}

/**
 * Finds the definition of a kind: its name, and whether it is a built-in type
 * (custom resources take no strategic merge patch). Undefined when none is known.
 */
export type KindResolver = (gvk: SchemaGroupVersionKind) => { name: string; builtin: boolean } | undefined;

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const DELETE_OPTIONS = `${META}.DeleteOptions`;
const STATUS = `${META}.Status`;

const PATCH_TYPES_BUILTIN = [
  'application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json',
] as const;
/** Custom resources do not take strategic merge patches. */
const PATCH_TYPES_CUSTOM = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'] as const;

/** Subresources whose kind differs from the parent's, when their SubresourceDef does not say. */
const SUBRESOURCE_KINDS: Readonly<Record<string, SchemaGroupVersionKind>> = {
  scale: { group: 'autoscaling', kind: 'Scale', version: 'v1' },
  eviction: { group: 'policy', kind: 'Eviction', version: 'v1' },
  token: { group: 'authentication.k8s.io', kind: 'TokenRequest', version: 'v1' },
};

/** Subresources served by `connect` (streams), and the options kind upstream names for them. */
const CONNECT_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy']);
const CONNECT_OPTION_KINDS: Readonly<Record<string, string>> = {
  exec: 'ExecOptions', attach: 'AttachOptions', portforward: 'PortForwardOptions', proxy: 'ProxyOptions',
};

const params = (names: readonly QueryParamName[]): ParamSpec[] => names.map((n) => QUERY_PARAMS[n]);
const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Groups the routes of `resources` by group-version, in first-seen order,
 * paths sorted. A resource whose kind has no definition gets no paths.
 */
export function buildRoutes(resources: readonly ResourceDef[], resolve: KindResolver): GroupVersionRoutes[] {
  const byKey = new Map<string, GroupVersionRoutes>();
  for (const r of resources) {
    const key = groupVersionKey(r.group, r.version);
    let gv = byKey.get(key);
    if (!gv) { gv = { group: r.group, version: r.version, key, paths: [] }; byKey.set(key, gv); }
    gv.paths.push(...resourcePaths(r, resolve));
  }
  for (const gv of byKey.values()) gv.paths.sort((a, b) => a.path.localeCompare(b.path));
  return [...byKey.values()];
}

function resourcePaths(r: ResourceDef, resolve: KindResolver): PathSpec[] {
  const gvk: SchemaGroupVersionKind = { group: r.group, kind: r.kind, version: r.version };
  const kind = resolve(gvk);
  const listDef = resolve({ ...gvk, kind: `${r.kind}List` })?.name;
  if (!kind) return [];
  const kindDef = kind.name;
  const ctx: Ctx = {
    r, gvk, kindDef, groupName: operationGroupName(r.group, r.version), tag: tagName(r.group, r.version),
    scope: r.namespaced ? 'Namespaced' : '', patchTypes: kind.builtin ? PATCH_TYPES_BUILTIN : PATCH_TYPES_CUSTOM,
  };
  const prefix = groupVersionPrefix(r.group, r.version);
  const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
  const scopeParams = r.namespaced ? [NAMESPACE_PARAM] : [];
  const pretty = QUERY_PARAMS.pretty;
  const has = (v: string): boolean => (r.verbs as readonly string[]).includes(v);
  const out: PathSpec[] = [];

  const collectionOps: OperationSpec[] = [];
  if (has('list') && listDef) collectionOps.push(listOp(ctx, listDef, ''));
  if (has('create')) collectionOps.push(op(ctx, 'post', 'post', `create${ctx.groupName}${ctx.scope}${r.kind}`, `create a ${r.kind}`, params(CREATE_PARAMS), {
    body: { kind: 'definition', name: kindDef }, bodyRequired: true, extraCodes: [201, 202],
  }));
  if (has('deletecollection')) collectionOps.push(op(ctx, 'delete', 'deletecollection', `delete${ctx.groupName}Collection${ctx.scope}${r.kind}`, `delete collection of ${r.kind}`, params(DELETE_COLLECTION_PARAMS), {
    body: { kind: 'definition', name: DELETE_OPTIONS }, response: { kind: 'definition', name: STATUS },
  }));
  if (collectionOps.length > 0) out.push({ path: collection, params: [...scopeParams, pretty], operations: collectionOps });

  if (r.namespaced && has('list') && listDef) {
    out.push({ path: `${prefix}/${r.plural}`, params: [pretty], operations: [listOp(ctx, listDef, 'ForAllNamespaces')] });
  }

  const item = `${collection}/{name}`;
  const itemOps: OperationSpec[] = [];
  const id = `${ctx.groupName}${ctx.scope}${r.kind}`;
  if (has('get')) itemOps.push(op(ctx, 'get', 'get', `read${id}`, `read the specified ${r.kind}`, []));
  if (has('update')) itemOps.push(op(ctx, 'put', 'put', `replace${id}`, `replace the specified ${r.kind}`, params(UPDATE_PARAMS), {
    body: { kind: 'definition', name: kindDef }, bodyRequired: true, extraCodes: [201],
  }));
  if (has('patch')) itemOps.push(patchOp(ctx, `patch${id}`, `partially update the specified ${r.kind}`, gvk, kindDef));
  if (has('delete')) itemOps.push(op(ctx, 'delete', 'delete', `delete${id}`, `delete a ${r.kind}`, params(DELETE_PARAMS), {
    body: { kind: 'definition', name: DELETE_OPTIONS }, response: { kind: 'definition', name: STATUS }, extraCodes: [202],
  }));
  if (itemOps.length > 0) out.push({ path: item, params: [nameParam(r.kind), ...scopeParams, pretty], operations: itemOps });

  for (const sub of r.subresources) {
    const path = subresourcePath(ctx, sub, item, resolve);
    if (path) out.push(path);
  }
  return out;
}

interface Ctx {
  r: ResourceDef;
  gvk: SchemaGroupVersionKind;
  kindDef: string;
  groupName: string;
  tag: string;
  scope: 'Namespaced' | '';
  patchTypes: readonly string[];
}

function op(ctx: Ctx, method: HttpMethod, action: KubernetesAction, operationId: string, description: string, query: ParamSpec[],
  more: Partial<Pick<OperationSpec, 'body' | 'bodyRequired' | 'response' | 'extraCodes' | 'gvk'>> = {}): OperationSpec {
  return {
    method, action, operationId, description, tag: ctx.tag, gvk: more.gvk ?? ctx.gvk, query,
    ...(more.body ? { body: more.body, bodyRequired: more.bodyRequired ?? false } : {}),
    response: more.response ?? { kind: 'definition', name: ctx.kindDef },
    extraCodes: more.extraCodes ?? [],
  };
}

function listOp(ctx: Ctx, listDef: string, suffix: '' | 'ForAllNamespaces'): OperationSpec {
  const scope = suffix ? '' : ctx.scope;
  return {
    ...op(ctx, 'get', 'list', `list${ctx.groupName}${scope}${ctx.r.kind}${suffix}`, `list or watch objects of kind ${ctx.r.kind}`, params(LIST_PARAMS), {
      response: { kind: 'definition', name: listDef },
    }),
    watchable: true,
  };
}

function patchOp(ctx: Ctx, operationId: string, description: string, gvk: SchemaGroupVersionKind, responseDef: string): OperationSpec {
  return op(ctx, 'patch', 'patch', operationId, description, params(PATCH_PARAMS), {
    gvk, body: { kind: 'patch', contentTypes: ctx.patchTypes }, bodyRequired: true,
    response: { kind: 'definition', name: responseDef }, extraCodes: [201],
  });
}

function subresourcePath(ctx: Ctx, sub: SubresourceDef, item: string, resolve: KindResolver): PathSpec | undefined {
  const { r } = ctx;
  const path = `${item}/${sub.name}`;
  const scopeParams = r.namespaced ? [NAMESPACE_PARAM] : [];
  const id = `${ctx.groupName}${ctx.scope}${r.kind}${capitalize(sub.name)}`;
  const ops: OperationSpec[] = [];

  if (CONNECT_SUBRESOURCES.has(sub.name)) {
    const gvk: SchemaGroupVersionKind = { group: r.group, kind: `${r.kind}${CONNECT_OPTION_KINDS[sub.name] ?? 'Options'}`, version: r.version };
    const query = params(CONNECT_PARAMS[sub.name] ?? []);
    for (const verb of sub.verbs) {
      const method: HttpMethod | undefined = verb === 'get' ? 'get' : verb === 'create' ? 'post' : undefined;
      if (!method) continue;
      ops.push(op(ctx, method, 'connect', `connect${ctx.groupName}${capitalize(method)}${ctx.scope}${r.kind}${capitalize(sub.name)}`,
        `connect ${method.toUpperCase()} requests to ${sub.name} of ${r.kind}`, query, { gvk, response: { kind: 'text' } }));
    }
    return ops.length > 0 ? { path, params: [nameParam(gvk.kind), ...scopeParams], operations: ops } : undefined;
  }

  const known = SUBRESOURCE_KINDS[sub.name];
  const gvk: SchemaGroupVersionKind = sub.kind
    ? { group: sub.group ?? (known && known.kind === sub.kind ? known.group : r.group), kind: sub.kind, version: sub.version ?? (known && known.kind === sub.kind ? known.version : r.version) }
    : known ?? ctx.gvk;
  const def = resolve(gvk)?.name;
  const isLog = sub.name === 'log';
  if (!def && !isLog) return undefined;
  const body: BodySpec = def ? { kind: 'definition', name: def } : { kind: 'text' };
  const response: BodySpec = isLog ? { kind: 'text' } : body;
  const what = `${sub.name} of the specified ${r.kind}`;
  for (const verb of sub.verbs) {
    switch (verb) {
      case 'get':
        ops.push(op(ctx, 'get', 'get', `read${id}`, `read ${what}`, isLog ? params(LOG_PARAMS) : [], { gvk, response }));
        break;
      case 'update':
        ops.push(op(ctx, 'put', 'put', `replace${id}`, `replace ${what}`, params(UPDATE_PARAMS), { gvk, body, bodyRequired: true, response, extraCodes: [201] }));
        break;
      case 'patch':
        if (def) ops.push(patchOp(ctx, `patch${id}`, `partially update ${what}`, gvk, def));
        break;
      case 'create':
        ops.push(op(ctx, 'post', 'post', `create${id}`, `create ${sub.name} of a ${r.kind}`, params(CREATE_PARAMS), { gvk, body, bodyRequired: true, response, extraCodes: [201, 202] }));
        break;
      default:
        break;
    }
  }
  if (ops.length === 0) return undefined;
  return { path, params: [nameParam(gvk.kind), ...scopeParams, QUERY_PARAMS.pretty], operations: ops };
}
