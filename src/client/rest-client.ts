/**
 * RestClient: typed REST calls to the API server over HTTPS with one
 * keep-alive agent, addressed by ResourceDescriptor. Every non-2xx reply
 * rejects with a StatusError (test `e.code === 404`, `409`, ...); network
 * failures reject with Node's error (string `code`, e.g. ECONNREFUSED).
 * Returned objects are fresh parses: the caller owns them.
 */
import { Agent, request as httpsRequest, type RequestOptions as HttpsRequestOptions } from 'node:https';
import type { IncomingMessage, ClientRequest, OutgoingHttpHeaders } from 'node:http';
import { createSecureContext } from 'node:tls';
import type { DeleteOptions, Preconditions, Status } from 'kubernetes-types/meta/v1.js';
import type { ApiObject } from './api-object.js';
import { loadKubeconfig, type ConnectionConfig } from './kubeconfig.js';
import { resourcePath, type ResourceDescriptor } from './resource.js';
import { responseToError } from './status-error.js';
import { watchStream, type WatchStream } from './watch-stream.js';
import { onAbort } from './on-abort.js';

/** A list reply: items plus the resourceVersion it was read at and the next page's token. */
export interface ObjectList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export interface ListOptions {
  /** Namespace to list in; omit for all namespaces (or a cluster-scoped resource). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size; with `continue` for the next page. */
  limit?: number;
  continue?: string;
  /** "" or unset: latest (consistent read); "0": any (cache); N: at least N. */
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Changes after this revision; unset or "0" starts with synthetic ADDED events for the current state. */
  resourceVersion?: string;
  /** @default true */
  allowWatchBookmarks?: boolean;
  /** Asks the server to end the stream after this long. */
  timeoutSeconds?: number;
  /** Aborting ends the stream (iteration ends quietly). */
  signal?: AbortSignal;
}

export interface WriteOptions {
  /** Defaults to the object's metadata.namespace. */
  namespace?: string;
  dryRun?: boolean;
  fieldManager?: string;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export interface PatchOptions {
  namespace?: string;
  /** @default 'merge' */
  type?: PatchType;
  subresource?: string;
  dryRun?: boolean;
  fieldManager?: string;
  /** Server-side apply: take ownership of conflicting fields. */
  force?: boolean;
}

export interface DeleteRequestOptions {
  namespace?: string;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: Preconditions;
  gracePeriodSeconds?: number;
  dryRun?: boolean;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** @default application/json when there is a body */
  contentType?: string;
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number;
}

export interface RestClientOptions {
  /** Names the caller in the user agent: `k8ts/<component>`. @default 'client' */
  component?: string;
  /** Whole-request timeout for non-watch calls. @default 30000 */
  timeoutMs?: number;
  /** @default 64 */
  maxSockets?: number;
}

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

export class RestClient {
  readonly server: string;
  readonly userAgent: string;
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  /** Host, port and path prefix of `server`, parsed once (no URL parsing per request). */
  private readonly target: { hostname: string; port: number; basePath: string };
  /** User-Agent, Accept and Authorization: the same on every request. */
  private readonly baseHeaders: Readonly<Record<string, string>>;

  constructor(config: ConnectionConfig, opts: RestClientOptions = {}) {
    this.server = config.server.replace(/\/+$/, '');
    this.userAgent = `k8ts/${opts.component ?? 'client'}`;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    const u = new URL(this.server);
    this.target = {
      hostname: u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname,
      port: u.port ? Number(u.port) : 443,
      basePath: u.pathname.replace(/\/+$/, ''),
    };
    this.baseHeaders = {
      'User-Agent': this.userAgent, Accept: 'application/json',
      ...(config.token ? { Authorization: `Bearer ${config.token}` } : {}),
    };
    // The certificates go in one secure context rather than as agent options: the agent keys its
    // socket pools by a name built from every TLS option on each request, certificates included.
    const tls = config.ca || config.cert || config.key;
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: opts.maxSockets ?? 64,
      ...(tls ? { secureContext: createSecureContext({ ...(config.ca ? { ca: config.ca } : {}),
        ...(config.cert ? { cert: config.cert } : {}), ...(config.key ? { key: config.key } : {}) }) } : {}),
      ...(config.tlsServerName ? { servername: config.tlsServerName } : {}),
      rejectUnauthorized: !config.insecureSkipTLSVerify,
    });
  }

  /** A client for the kubeconfig at `path` (its current context). */
  static fromKubeconfig(path: string, opts: RestClientOptions & { context?: string } = {}): RestClient {
    return new RestClient(loadKubeconfig(path, opts.context !== undefined ? { context: opts.context } : {}), opts);
  }

  async get<T extends ApiObject = ApiObject>(res: ResourceDescriptor, name: string,
    opts: { namespace?: string; subresource?: string } = {}): Promise<T> {
    return this.request<T>('GET', resourcePath(res, { ...opts, name }));
  }

  async list<T extends ApiObject = ApiObject>(res: ResourceDescriptor, opts: ListOptions = {}): Promise<ObjectList<T>> {
    const { namespace, ...q } = opts;
    return this.request<ObjectList<T>>('GET', resourcePath(res, { namespace }), { query: { ...q } });
  }

  async create<T extends ApiObject>(res: ResourceDescriptor, obj: T, opts: WriteOptions = {}): Promise<T> {
    const namespace = opts.namespace ?? obj.metadata?.namespace;
    return this.request<T>('POST', resourcePath(res, { namespace }), { body: obj, query: writeQuery(opts) });
  }

  /** PUT of the whole object; its metadata.resourceVersion, when set, is a precondition (409 if stale). */
  async update<T extends ApiObject>(res: ResourceDescriptor, obj: T, opts: WriteOptions & { subresource?: string } = {}): Promise<T> {
    const namespace = opts.namespace ?? obj.metadata?.namespace;
    const name = nameOf(obj);
    return this.request<T>('PUT', resourcePath(res, { namespace, name, subresource: opts.subresource }),
      { body: obj, query: writeQuery(opts) });
  }

  /** PUT to the status subresource: only status changes. */
  async updateStatus<T extends ApiObject>(res: ResourceDescriptor, obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.update(res, obj, { ...opts, subresource: 'status' });
  }

  async patch<T extends ApiObject = ApiObject>(res: ResourceDescriptor, name: string, patch: unknown, opts: PatchOptions = {}): Promise<T> {
    const type = opts.type ?? 'merge';
    return this.request<T>('PATCH', resourcePath(res, { namespace: opts.namespace, name, subresource: opts.subresource }), {
      body: patch, contentType: PATCH_CONTENT_TYPES[type],
      query: { ...writeQuery(opts), ...(opts.force !== undefined ? { force: opts.force } : {}) },
    });
  }

  /**
   * Deletes one object. Resolves with what the server returns: the object
   * (when it waits on finalizers or grace) or a Success Status.
   */
  async delete(res: ResourceDescriptor, name: string, opts: DeleteRequestOptions = {}): Promise<ApiObject | Status> {
    return this.request('DELETE', resourcePath(res, { namespace: opts.namespace, name }), { body: deleteBody(opts) });
  }

  /** DELETE on a collection (deletecollection); 405 when the resource does not support it. */
  async deleteCollection(res: ResourceDescriptor, opts: DeleteRequestOptions & Omit<ListOptions, 'namespace'> = {}): Promise<ApiObject | Status> {
    const { namespace, labelSelector, fieldSelector, limit, continue: cont, resourceVersion } = opts;
    return this.request('DELETE', resourcePath(res, { namespace }), {
      body: deleteBody(opts),
      query: { labelSelector, fieldSelector, limit, continue: cont, resourceVersion },
    });
  }

  /**
   * Opens a watch. Resolves once the server answers 200 (rejects with a
   * StatusError otherwise, e.g. 410); the stream has no client timeout and
   * ends when the server ends it, on stop(), or when `signal` aborts.
   */
  async watch<T extends ApiObject = ApiObject>(res: ResourceDescriptor, opts: WatchOptions = {}): Promise<WatchStream<T>> {
    const { namespace, signal, allowWatchBookmarks, ...q } = opts;
    const path = this.path(resourcePath(res, { namespace }), {
      ...q, watch: 1, allowWatchBookmarks: allowWatchBookmarks ?? true,
    });
    const { req, res: opened } = this.open('GET', path, undefined, undefined);
    // Informers hand every re-watch the same long-lived signal: the listener goes when the request closes.
    let stream: WatchStream<T> | undefined;
    const detach = onAbort(signal, () => {
      if (stream) stream.stop();
      else req.destroy(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
    });
    req.once('close', detach);
    const reply = await opened;
    if ((reply.statusCode ?? 0) >= 300) {
      const body = await readBody(reply);
      throw responseToError(reply.statusCode ?? 0, body, header(reply, 'retry-after'));
    }
    stream = watchStream<T>(req, reply);
    if (signal?.aborted) stream.stop();
    return stream;
  }

  /**
   * Any request by path (discovery, subresources such as namespaces/finalize).
   * Resolves with the parsed JSON body (undefined when empty).
   */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const body = opts.body === undefined ? undefined
      : typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
    const contentType = body === undefined ? undefined : (opts.contentType ?? 'application/json');
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    // One timer that destroys the request, rather than an AbortController and signal listeners per call.
    let req: ClientRequest | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      req?.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    try {
      const opened = this.open(method, this.path(path, opts.query), body, contentType);
      req = opened.req;
      const res = await opened.res;
      const text = await readBody(res);
      const code = res.statusCode ?? 0;
      if (code < 200 || code >= 300) throw responseToError(code, text, header(res, 'retry-after'));
      return (text ? JSON.parse(text) : undefined) as T;
    } catch (e) {
      if (timedOut) {
        throw Object.assign(new Error(`${method} ${path}: request timed out after ${timeoutMs} ms`, { cause: e }), { code: 'ETIMEDOUT' });
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes idle keep-alive connections and refuses nothing: later calls open new ones. */
  close(): void {
    this.agent.destroy();
  }

  /** The request path: the server's path prefix, `path`, and the query without its unset or empty values. */
  private path(path: string, query?: RequestOptions['query']): string {
    const base = this.target.basePath + path;
    if (!query) return base;
    let qs: URLSearchParams | undefined;
    for (const k in query) {
      const v = query[k];
      if (v !== undefined && v !== '') (qs ??= new URLSearchParams()).set(k, String(v));
    }
    return qs ? `${base}?${qs.toString()}` : base;
  }

  /**
   * Sends the request; `res` resolves with the reply's head, rejects on a
   * request error (including destroy()). Throws on a path Node refuses
   * (callers pass paths with their names already percent-encoded).
   */
  private open(method: string, path: string, body: string | Buffer | undefined, contentType: string | undefined):
    { req: ClientRequest; res: Promise<IncomingMessage> } {
    const headers: OutgoingHttpHeaders = { ...this.baseHeaders };
    if (body !== undefined) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    }
    const options: HttpsRequestOptions = { method, hostname: this.target.hostname, port: this.target.port, path, agent: this.agent, headers };
    const req = httpsRequest(options);
    const res = new Promise<IncomingMessage>((resolve, reject) => {
      req.once('response', resolve);
      req.on('error', reject);
    });
    if (body !== undefined) req.end(body); else req.end();
    return { req, res };
  }
}

function nameOf(obj: ApiObject): string {
  const name = obj.metadata?.name;
  if (!name) throw new Error('object has no metadata.name');
  return name;
}

function writeQuery(opts: { dryRun?: boolean; fieldManager?: string }): Record<string, string | undefined> {
  return { dryRun: opts.dryRun ? 'All' : undefined, fieldManager: opts.fieldManager };
}

function deleteBody(opts: DeleteRequestOptions): DeleteOptions | undefined {
  const b: DeleteOptions = {};
  if (opts.propagationPolicy) b.propagationPolicy = opts.propagationPolicy;
  if (opts.preconditions) b.preconditions = opts.preconditions;
  if (opts.gracePeriodSeconds !== undefined) b.gracePeriodSeconds = opts.gracePeriodSeconds;
  if (opts.dryRun) b.dryRun = ['All'];
  return Object.keys(b).length ? { kind: 'DeleteOptions', apiVersion: 'v1', ...b } : undefined;
}

function header(res: IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () => reject(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
  });
}
