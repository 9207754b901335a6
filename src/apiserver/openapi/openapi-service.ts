/**
 * Serves `/openapi/v2` and `/openapi/v3[/<group-version>]` for the resources
 * currently served. Documents are built on first request and cached
 * (serialized, hashed) until `setResources` changes the resource list.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError, methodNotAllowed, notAcceptable } from '../../api/errors.js';
import { getDefinitions } from '../../api/openapi/definitions.js';
import { toOpenApiV3Schema } from '../../api/openapi/refs.js';
import type { Definitions, Schema, SchemaGroupVersionKind } from '../../api/openapi/schema.js';
import type { ResourceDef } from '../../api/resources.js';
import { CachedBody, sendCached } from './cached-body.js';
import { customResourceDefinitions } from './custom-schemas.js';
import { coreVersionsPath, groupListPath, groupPath, resourceListPath, versionPath } from './discovery-paths.js';
import { buildRoutes, type PathSpec } from './operations.js';
import { buildSwaggerDocument, type SwaggerDocument } from './v2-document.js';
import { OPENAPI_V2_PROTOBUF, encodeSwaggerDocument } from './v2-protobuf.js';
import { buildV3Document, type OpenApiV3Document, type OpenApiV3Index } from './v3-document.js';

export interface OpenApiServiceOptions {
  /** `info.version` of every document. @default 'v1.33.0+k8ts' */
  version?: string;
  /** The built-in definitions. @default getDefinitions() */
  definitions?: Definitions;
}

interface State {
  defs: Definitions;
  /** `group/version/kind` to definition. */
  kinds: Map<string, { name: string; builtin: boolean }>;
  /** v3 document key to its paths, keys sorted. */
  v3Paths: Map<string, PathSpec[]>;
  allPaths: PathSpec[];
  v3Docs: Map<string, CachedBody>;
  customV3: Map<string, Schema>;
  index?: CachedBody;
  v2?: CachedBody;
  v2Protobuf?: CachedBody;
  builtAt: Date;
}

const V3_PREFIX = '/openapi/v3/';
const NO_CACHE = 'no-cache, private';

const gvkKey = (g: SchemaGroupVersionKind): string => `${g.group}/${g.version}/${g.kind}`;

export class OpenApiService {
  private readonly builtins: Definitions;
  private readonly info: { title: string; version: string };
  /** OpenAPI 3 forms of built-in definitions; they never change, so this outlives setResources. */
  private readonly builtinV3 = new Map<string, Schema>();
  /** Protobuf encodings of definitions, by (frozen, shared) schema object; outlives setResources. */
  private readonly protobufSchemas = new WeakMap<Schema, Buffer>();
  private resources: readonly ResourceDef[];
  private customSchemas: Readonly<Record<string, Schema>>;
  private state: State | undefined;

  constructor(resources: readonly ResourceDef[], options: OpenApiServiceOptions = {}) {
    this.builtins = options.definitions ?? getDefinitions();
    this.info = { title: 'Kubernetes', version: options.version ?? 'v1.33.0+k8ts' };
    this.resources = [...resources];
    this.customSchemas = {};
  }

  /**
   * Replaces the served resources (e.g. when CRDs come and go). `schemas` may
   * give the schemas of kinds without a built-in definition, keyed by
   * `customDefinitionName(group, version, kind)` (and `<that>List`); kinds
   * without one get a permissive schema. Cached documents are dropped; the
   * next request rebuilds them, with new hashes where they changed.
   */
  setResources(defs: readonly ResourceDef[], schemas: Readonly<Record<string, Schema>> = {}): void {
    this.resources = [...defs];
    this.customSchemas = { ...schemas };
    this.state = undefined;
  }

  /** The definition name a served kind's schema has (`io.k8s.api.apps.v1.Deployment`), if any. */
  definitionNameOf(gvk: SchemaGroupVersionKind): string | undefined {
    return this.current().kinds.get(gvkKey(gvk))?.name;
  }

  /** Every definition of the served documents: built-ins plus those of custom resources. */
  definitions(): Definitions {
    return this.current().defs;
  }

  /** The keys of the v3 documents (`api`, `api/v1`, `apis`, `apis/apps`, `apis/apps/v1`, `version`), sorted. */
  v3Keys(): string[] {
    return [...this.current().v3Paths.keys()];
  }

  /** The `/openapi/v3` index. */
  v3Index(): OpenApiV3Index {
    return JSON.parse(this.indexBody().bytes.toString('utf8')) as OpenApiV3Index;
  }

  /** The v3 document of `key` (`apis/apps/v1`), or undefined when no such document is served. */
  v3Document(key: string): OpenApiV3Document | undefined {
    const body = this.v3Body(key);
    return body ? JSON.parse(body.bytes.toString('utf8')) as OpenApiV3Document : undefined;
  }

  /** The `/openapi/v2` document. */
  v2Document(): SwaggerDocument {
    return JSON.parse(this.v2Body().bytes.toString('utf8')) as SwaggerDocument;
  }

  /**
   * Answers `req` if `path` (the request path; a query string is ignored) is
   * an OpenAPI endpoint, and returns true; returns false without touching
   * `res` otherwise. Never throws for a bad request: errors become Status
   * replies.
   */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const p = path.split('?')[0] ?? '';
    if (p !== '/openapi/v2' && p !== '/openapi/v3' && !p.startsWith(V3_PREFIX)) return false;
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw methodNotAllowed(`${req.method ?? ''} is not supported on ${p}`);
      }
      if (p === '/openapi/v2') {
        // Protobuf only when asked for it (client-go's OpenAPISchema asks for nothing else and
        // parses the reply as protobuf); JSON for anything else, whatever the Accept.
        const body = prefersProtobufV2(req.headers.accept) ? this.v2ProtobufBody() : this.v2Body();
        sendCached(req, res, body, { 'Cache-Control': NO_CACHE, Vary: 'Accept' });
      } else if (p === '/openapi/v3' || p === V3_PREFIX) {
        sendCached(req, res, this.indexBody(), { 'Cache-Control': NO_CACHE });
      } else {
        this.serveGroupVersion(req, res, decodeURIComponent(p.slice(V3_PREFIX.length)));
      }
    } catch (err) {
      const status = err instanceof StatusError ? err : new StatusError(500, 'InternalError',
        `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      const body = JSON.stringify(status.toStatus());
      res.writeHead(status.code, { 'Content-Type': 'application/json', 'Cache-Control': NO_CACHE, 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(req.method === 'HEAD' ? undefined : body);
    }
    return true;
  }

  private serveGroupVersion(req: IncomingMessage, res: ServerResponse, key: string): void {
    const body = this.v3Body(key);
    if (!body) throw new StatusError(404, 'NotFound', `the server could not find the requested resource (openapi/v3/${key})`);
    if (!acceptsJson(req.headers.accept)) {
      throw notAcceptable(`only the following media types are accepted: application/json`);
    }
    const hash = new URL(req.url ?? '/', 'http://localhost').searchParams.get('hash');
    if (hash !== null && hash !== '' && hash !== body.hash) {
      res.writeHead(301, { Location: serverRelativeURL(key, body.hash), 'Cache-Control': NO_CACHE });
      res.end();
      return;
    }
    const headers: Record<string, string> = { Vary: 'Accept' };
    if (hash) {
      headers['Cache-Control'] = 'public, immutable';
      headers['Expires'] = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
    } else {
      headers['Cache-Control'] = NO_CACHE;
    }
    sendCached(req, res, body, headers);
  }

  private current(): State {
    this.state ??= this.build();
    return this.state;
  }

  private build(): State {
    const defs: Record<string, Schema> = { ...this.builtins };
    const kinds = new Map<string, { name: string; builtin: boolean }>();
    const index = (name: string, schema: Schema, builtin: boolean): void => {
      for (const g of schema['x-kubernetes-group-version-kind'] ?? []) {
        if (!kinds.has(gvkKey(g))) kinds.set(gvkKey(g), { name, builtin });
      }
    };
    for (const [name, schema] of Object.entries(this.builtins)) index(name, schema, true);
    for (const r of this.resources) {
      if (kinds.has(gvkKey({ group: r.group, version: r.version, kind: r.kind }))) continue;
      for (const [name, schema] of Object.entries(customResourceDefinitions(r, this.customSchemas))) {
        defs[name] = schema;
        index(name, schema, false);
      }
    }
    const routes = buildRoutes(this.resources, (gvk) => kinds.get(gvkKey(gvk)));

    const v3Paths = new Map<string, PathSpec[]>();
    v3Paths.set('api', [coreVersionsPath()]);
    v3Paths.set('apis', [groupListPath()]);
    v3Paths.set('version', [versionPath()]);
    for (const gv of routes) {
      if (gv.group !== '') v3Paths.set(`apis/${gv.group}`, [groupPath(gv.group)]);
      v3Paths.set(gv.key, [resourceListPath(gv.group, gv.version), ...gv.paths]);
    }
    const sorted = new Map([...v3Paths.entries()].sort(([a], [b]) => a.localeCompare(b)));
    return {
      defs, kinds, v3Paths: sorted, allPaths: [...sorted.values()].flat(),
      v3Docs: new Map(), customV3: new Map(), builtAt: new Date(),
    };
  }

  private v3Body(key: string): CachedBody | undefined {
    const state = this.current();
    const cached = state.v3Docs.get(key);
    if (cached) return cached;
    const paths = state.v3Paths.get(key);
    if (!paths) return undefined;
    const schemaV3 = (name: string): Schema => {
      const memo = this.builtins[name] ? this.builtinV3 : state.customV3;
      let s = memo.get(name);
      if (!s) { s = toOpenApiV3Schema(state.defs[name]!); memo.set(name, s); }
      return s;
    };
    const body = CachedBody.json(buildV3Document(paths, state.defs, schemaV3, this.info), state.builtAt);
    state.v3Docs.set(key, body);
    return body;
  }

  private indexBody(): CachedBody {
    const state = this.current();
    if (!state.index) {
      const paths: OpenApiV3Index['paths'] = {};
      for (const key of state.v3Paths.keys()) {
        paths[key] = { serverRelativeURL: serverRelativeURL(key, this.v3Body(key)!.hash) };
      }
      state.index = CachedBody.json({ paths }, state.builtAt);
    }
    return state.index;
  }

  private swagger(): SwaggerDocument {
    const state = this.current();
    return buildSwaggerDocument(state.allPaths, state.defs, this.info);
  }

  private v2Body(): CachedBody {
    const state = this.current();
    state.v2 ??= CachedBody.json(this.swagger(), state.builtAt);
    return state.v2;
  }

  private v2ProtobufBody(): CachedBody {
    const state = this.current();
    state.v2Protobuf ??= new CachedBody(encodeSwaggerDocument(this.swagger(), this.protobufSchemas), OPENAPI_V2_PROTOBUF, state.builtAt);
    return state.v2Protobuf;
  }

  /** The `/openapi/v2` document as the protobuf `openapi.v2.Document`. */
  v2Protobuf(): Buffer {
    return this.v2ProtobufBody().bytes;
  }
}

/** `/openapi/v3/apis/apps/v1?hash=<HASH>`. */
export function serverRelativeURL(key: string, hash: string): string {
  return `${V3_PREFIX}${key}?hash=${hash}`;
}

interface AcceptClause { type: string; subtype: string; q: number }

function parseAccept(accept: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const clause of accept.split(',')) {
    const [range = '', ...params] = clause.trim().toLowerCase().split(';');
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qp === undefined ? 1 : Number(qp.slice(2));
    const [type = '', subtype = ''] = range.trim().split('/');
    if (type !== '' && q > 0) clauses.push({ type, subtype, q });
  }
  // Stable: equal q keeps the client's order.
  return clauses.sort((a, b) => b.q - a.q);
}

const PROTOBUF_V2_SUBTYPES = new Set(['com.github.proto-openapi.spec.v2@v1.0+protobuf', 'com.github.proto-openapi.spec.v2.v1.0+protobuf']);

/** True when the first supported clause of Accept names the protobuf v2 document (either spelling). */
function prefersProtobufV2(accept: string | undefined): boolean {
  if (!accept) return false;
  for (const c of parseAccept(accept)) {
    if (c.type === 'application' && PROTOBUF_V2_SUBTYPES.has(c.subtype)) return true;
    if ((c.type === 'application' || c.type === '*') && (c.subtype === 'json' || c.subtype === '*')) return false;
  }
  return false;
}

/** True unless the Accept header rules out JSON (no clause matching application/json). */
function acceptsJson(accept: string | undefined): boolean {
  if (!accept || accept.trim() === '') return true;
  return parseAccept(accept).some((c) => (c.type === 'application' || c.type === '*') && (c.subtype === 'json' || c.subtype === '*'));
}

