/**
 * The API server: HTTPS, then for every request in order: the in-flight limit,
 * authentication (client certificates), routing to health, version, metrics,
 * OpenAPI, discovery or a resource verb, and a Status on any error.
 */
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { admitPersistentVolumeClaim } from '../api/volume-binding/storage-class.js';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../api/log.js';
import { BUILTIN_RESOURCES, type ResourceDef } from '../api/resources.js';
import { StatusError, methodNotAllowed, tooManyRequests, unauthorized } from '../api/errors.js';
import type { Store } from '../storage/store.js';
import { WatchCache } from './watch/watch-cache.js';
import { ApiResources, type Conversion } from './api-resources.js';
import type { RegistryHooks } from './registry/generic-store.js';
import type { Strategy } from './registry/strategy.js';
import { parseRequestInfo, splitUrl } from './request-info.js';
import { negotiateDiscovery } from './negotiation.js';
import {
  aggregatedContentType, aggregatedDiscovery, apiGroupDoc, apiGroupList, apiResourceList, apiVersions,
} from './discovery.js';
import { ResourceHandler } from './handlers/resource-handler.js';
import { WatchHandler } from './handlers/watch-handler.js';
import { writeError, writeJson } from './handlers/respond.js';
import { DEFAULT_MAX_BODY_BYTES } from './handlers/body.js';
import { ApiServerMetrics } from './metrics.js';
import { ServiceAllocation } from './allocators/service-allocation.js';
import { namespaceLifecycle } from './namespace-lifecycle.js';
import { bootstrap } from './bootstrap.js';
import { authenticateRequest } from './authn/index.js';
import { OpenApiService } from './openapi/index.js';
import { FieldValidator } from './field-validation.js';
import { versionInfo } from './version.js';
import { CrdRegistrar } from './crd/crd-registrar.js';
import { PodTerminationSweeper } from './pod-termination.js';
import { NodeJoinHandler, type NodeJoinOptions } from './handlers/node-join.js';
import { StreamingHandler, isStreamingRequest } from './streaming/streaming-handler.js';
import { parseProxyPath } from './streaming/proxy-path.js';
import type { KubeletClientConfig } from './streaming/kubelet-target.js';

/** The verb label of request metrics, as upstream reports it (HTTP method for writes). */
const METRIC_VERBS: Record<string, string> = {
  get: 'GET', list: 'LIST', watch: 'WATCH', create: 'POST', update: 'PUT', patch: 'PATCH', delete: 'DELETE', deletecollection: 'DELETE',
};

/** The methods resource routes answer; others (OPTIONS, TRACE, WebDAV's) are 405, as upstream's router answers them. */
const SERVED_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

const MAX_HEADER_BYTES = 1 << 20;

export interface ApiServerOptions {
  store: Store;
  tls: { certPem: string; keyPem: string; caPem: string };
  /** @default 6443 */
  securePort?: number;
  /** @default '0.0.0.0' */
  bindAddress?: string;
  /** Address written into the kubernetes Endpoints and discovery. @default '127.0.0.1' */
  advertiseAddress?: string;
  /** @default '10.43.0.0/16' */
  serviceCidr?: string;
  strategies: Record<string, Strategy>;
  conversions: Record<string, Conversion>;
  /** Extra per-resource hooks, keyed as strategies are. */
  hooks?: Record<string, RegistryHooks>;
  /** Create-time mutation of pods (upstream's admission defaults). */
  admitPod?: (pod: Record<string, unknown>) => void;
  logger: Logger;
  /** @default 3 MiB */
  maxBodyBytes?: number;
  /** Non-watch requests served at once; past it 429 with Retry-After. @default 800 */
  maxInFlight?: number;
  /** @default 10000 */
  maxWatches?: number;
  /** @default 60000 */
  bookmarkIntervalMs?: number;
  /** Watches without timeoutSeconds end after a random time in [x, 2x] seconds (upstream's --min-request-timeout). @default 1800 */
  minRequestTimeoutSeconds?: number;
  /** Events the watch cache keeps per resource for watches that resume (upstream's --default-watch-cache-size). @default 10000 */
  watchCacheSize?: number;
  /** A watcher with more than this many bytes waiting to be sent is closed (it relists). @default 16 MiB */
  maxWatchBufferBytes?: number;
  resources?: readonly ResourceDef[];
  /** More Prometheus text /metrics serves beside the server's own (the scheduler's and controllers'). */
  extraMetrics?: readonly { metrics(): Promise<string> }[];
  /** Lets nodes join with the token (/v1-k8ts/client-kubelet.crt); /cacerts is served either way. */
  nodeJoin?: NodeJoinOptions;
  /** How logs, exec, attach, port-forward and nodes/proxy reach kubelets. @default no client certificate, no verification */
  kubeletClient?: KubeletClientConfig;
}

export class ApiServer {
  readonly metrics = new ApiServerMetrics();
  readonly api: ApiResources;
  readonly cache: WatchCache;
  private readonly server: Server;
  private readonly resources: ResourceHandler;
  private readonly watches: WatchHandler;
  private readonly openapi: OpenApiService;
  private readonly store: Store;
  private readonly services: ServiceAllocation;
  private readonly defs: readonly ResourceDef[];
  private readonly crds: CrdRegistrar;
  private readonly sweeper: PodTerminationSweeper;
  private readonly nodeJoin: NodeJoinHandler;
  private readonly streaming: StreamingHandler;
  private inflight = 0;
  private ready = false;
  private port = 0;

  constructor(private readonly opts: ApiServerOptions) {
    this.store = this.metrics.instrument(opts.store);
    this.defs = opts.resources ?? BUILTIN_RESOURCES;
    this.cache = new WatchCache(this.store, '/registry/', {
      eventWindow: opts.watchCacheSize ?? 10000,
      maxBufferedBytes: opts.maxWatchBufferBytes ?? 16 * 1024 * 1024,
    });
    this.services = new ServiceAllocation(this.store, { serviceCidr: opts.serviceCidr ?? '10.43.0.0/16' });
    const hooks: Record<string, RegistryHooks> = { ...(opts.hooks ?? {}) };
    hooks['services'] = { ...hooks['services'], ...this.services.hooks() };
    if (opts.admitPod) {
      const admit = opts.admitPod;
      hooks['pods'] = { ...hooks['pods'], admitCreate: (obj) => admit(obj as Record<string, unknown>) };
    }
    // DefaultStorageClass admission: claims naming no class get the default one, read from the watch cache.
    const storageClasses = this.defs.find((d) => d.group === 'storage.k8s.io' && d.plural === 'storageclasses')?.storage.prefix;
    hooks['persistentvolumeclaims'] = {
      ...hooks['persistentvolumeclaims'],
      admitCreate: (obj) => admitPersistentVolumeClaim(obj as PersistentVolumeClaim,
        (storageClasses ? this.cache.resource(storageClasses)?.objects.values() : undefined) as Iterable<StorageClass> | undefined ?? []),
    };
    const lifecycle = namespaceLifecycle(() => this.api.registryFor('', 'namespaces'),
      (name) => this.cache.resource('/registry/namespaces/')?.objects.get(`/registry/namespaces/${name}`));
    for (const d of this.defs) {
      if (!d.namespaced) continue;
      const key = d.group ? `${d.group}/${d.plural}` : d.plural;
      hooks[key] = { ...hooks[key], checkCreate: lifecycle };
    }
    this.api = new ApiResources(this.defs, this.store, this.cache, {
      strategies: opts.strategies, conversions: opts.conversions, hooks,
    });
    this.openapi = new OpenApiService([...this.defs], { version: versionInfo().gitVersion });
    this.sweeper = new PodTerminationSweeper(this.cache, () => this.api.registryFor('', 'pods'), opts.logger.child({ controller: 'pod-termination' }));
    this.crds = new CrdRegistrar(this.api, this.cache, this.openapi, opts.logger.child({ controller: 'crd' }));
    this.nodeJoin = new NodeJoinHandler(opts.tls.caPem, opts.nodeJoin);
    const fieldValidator = new FieldValidator();
    this.resources = new ResourceHandler(this.api, { maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, fieldValidator });
    this.watches = new WatchHandler({
      maxWatches: opts.maxWatches ?? 10000,
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60000,
      defaultTimeoutSeconds: opts.minRequestTimeoutSeconds ?? 1800,
    }, (n) => this.metrics.watches.set(n));
    this.server = createServer({
      cert: opts.tls.certPem, key: opts.tls.keyPem, ca: [opts.tls.caPem],
      requestCert: true, rejectUnauthorized: false,
      // Upstream serves with Go's MaxHeaderBytes of 1 MiB; node's default (16 KiB) would drop long URLs.
      maxHeaderSize: MAX_HEADER_BYTES,
    }, (req, res) => { void this.serve(req, res); });
    const core = (plural: string) => (ns: string, name: string) => this.api.find('', 'v1', plural)!.registry.get(ns, name);
    this.streaming = new StreamingHandler({
      getPod: core('pods') as never, getNode: ((name: string) => core('nodes')('', name)) as never,
      getService: core('services') as never, getEndpoints: core('endpoints') as never,
      kubeletClient: opts.kubeletClient ?? { certPem: '', keyPem: '' },
      logger: opts.logger.child({ component: 'streaming' }),
    });
    // Upgrade requests (exec, attach, port-forward, proxy): long-running, outside the in-flight limit, like watches.
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => { void this.streaming.serveUpgrade(req, socket, head); });
    this.server.keepAliveTimeout = 65_000;
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      this.opts.logger.debug({ err: err.message, code: err.code, bytes: (err as { bytesParsed?: number }).bytesParsed, raw: String((err as { rawPacket?: Buffer }).rawPacket ?? '').slice(0, 200) }, 'client connection error');
      socket.destroy();
    });
  }

  /** Loads the watch cache, creates the bootstrap objects, and listens. Resolves when ready. */
  async start(): Promise<{ port: number }> {
    await this.cache.start(this.api.storedResources());
    await this.crds.start();
    const securePort = this.opts.securePort ?? 6443;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(securePort, this.opts.bindAddress ?? '0.0.0.0', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    await bootstrap(this.api, {
      kubernetesServiceIP: this.services.kubernetesServiceIP,
      advertiseAddress: this.opts.advertiseAddress ?? '127.0.0.1',
      securePort: this.port,
    });
    this.sweeper.start();
    this.ready = true;
    return { port: this.port };
  }

  async stop(): Promise<void> {
    this.ready = false;
    this.crds.stop();
    this.sweeper.stop();
    this.streaming.close();
    this.cache.stop();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /**
   * Serves one request. Nothing a request sends escapes this method: every
   * failure, however it is thrown, becomes a Status reply (or, once the
   * reply has begun, a closed connection).
   */
  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    let labels = { verb: method, group: '', version: '', resource: '', subresource: '' };
    let endTimer: (() => void) | undefined;
    let counted = false;
    let pathname = req.url ?? '';
    const started = performance.now();
    res.on('finish', () => {
      endTimer?.();
      this.metrics.requests.inc({ ...labels, code: String(res.statusCode) });
      if (this.opts.logger.isLevelEnabled('debug')) {
        this.opts.logger.debug({ method, url: req.url, code: res.statusCode, ms: Math.round(performance.now() - started) }, 'request');
      }
    });
    try {
      const url = splitUrl(req);
      pathname = url.pathname;
      const parsed = parseRequestInfo(method, pathname, url.query);
      // Upstream's long-running requests (watch, log, proxy) stay outside the in-flight limit.
      const longRunning = parsed.kind === 'resource' ? parsed.info.verb === 'watch' || isStreamingRequest(parsed.info) : parseProxyPath(pathname) !== undefined;
      if (parsed.kind === 'resource') {
        const i = parsed.info;
        labels = { verb: METRIC_VERBS[i.verb], group: i.group, version: i.version, resource: i.resource, subresource: i.subresource };
      }
      if (!longRunning) {
        endTimer = this.metrics.latency.startTimer({ verb: labels.verb, group: labels.group, resource: labels.resource, subresource: labels.subresource });
        if (this.inflight >= (this.opts.maxInFlight ?? 800)) {
          this.metrics.rejected.inc();
          throw tooManyRequests(1);
        }
        this.inflight++;
        counted = true;
        this.metrics.inflight.set(this.inflight);
      }
      if (await this.servePublic(req, res, pathname)) return;
      if (!authenticateRequest(req)) throw unauthorized();
      await this.route(req, res, pathname, url.query, parsed);
    } catch (e) {
      try {
        const se = writeError(res, e);
        if (se.code >= 500) this.opts.logger.error({ err: e, method, path: pathname }, 'request failed');
      } catch (writeErr) {
        this.opts.logger.error({ err: writeErr, cause: e, method, path: pathname }, 'could not write the error reply');
        res.destroy();
      }
    } finally {
      if (counted) {
        this.inflight--;
        this.metrics.inflight.set(this.inflight);
      }
    }
  }

  /** Endpoints anyone may read (upstream grants them to system:public-info-viewer). */
  private async servePublic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    switch (pathname) {
      case '/healthz': case '/livez': case '/readyz': {
        const ok = pathname !== '/readyz' || this.ready;
        res.writeHead(ok ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache, private' });
        res.end(ok ? 'ok' : '[-]bootstrap failed: not finished\nreadyz check failed');
        return true;
      }
      case '/version':
        writeJson(res, 200, versionInfo());
        return true;
      default:
        return this.nodeJoin.serve(req, res, pathname);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, pathname: string, query: URLSearchParams,
    parsed: ReturnType<typeof parseRequestInfo>): Promise<void> {
    if (pathname === '/metrics') {
      const extra = await Promise.all((this.opts.extraMetrics ?? []).map((r) => r.metrics()));
      const text = [await this.metrics.registry.metrics(), ...extra].join('\n');
      res.writeHead(200, { 'Content-Type': this.metrics.registry.contentType });
      res.end(text);
      return;
    }
    if (pathname.startsWith('/openapi/')) {
      if (this.openapi.handle(req, res, pathname)) return;
    }
    if (parsed.kind === 'discovery') return this.discovery(req, res, parsed.info);
    if (parsed.kind === 'resource') {
      const served = this.resources.resolve(parsed.info);
      if (!SERVED_METHODS.has(req.method ?? '')) throw methodNotAllowed('the server does not allow this method on the requested resource');
      if (parsed.info.verb === 'watch') return this.watches.handle(req, res, served, parsed.info, query);
      if (isStreamingRequest(parsed.info)) return this.streaming.serveHttp(req, res, parsed.info, query);
      return this.resources.handle(req, res, parsed.info, query, served);
    }
    const proxy = parseProxyPath(pathname);
    if (proxy) return this.streaming.serveProxy(req, res, proxy, query);
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  }

  /** The discovery documents: 404 for a group or version not served, 405 for a method other than GET. */
  private discovery(req: IncomingMessage, res: ServerResponse, info: { prefix: 'api' | 'apis'; group?: string; version?: string }): void {
    const defs = this.api.defs();
    const notFoundErr = new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    const readOnly = (): void => {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed('the server does not allow this method on the requested resource');
    };
    if (info.version !== undefined) {
      const doc = apiResourceList(defs, info.group ?? '', info.version);
      if (!doc || (info.prefix === 'api' && info.group)) throw notFoundErr;
      readOnly();
      writeJson(res, 200, doc);
      return;
    }
    if (info.group !== undefined) {
      const doc = apiGroupDoc(defs, info.group);
      if (!doc) throw notFoundErr;
      readOnly();
      writeJson(res, 200, doc);
      return;
    }
    readOnly();
    const shape = negotiateDiscovery(req.headers.accept);
    if (shape !== 'legacy') {
      const body = JSON.stringify(aggregatedDiscovery(defs, info.prefix, shape));
      res.writeHead(200, { 'Content-Type': aggregatedContentType(shape), 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache, private' });
      res.end(body);
      return;
    }
    const host = req.headers.host ?? `127.0.0.1:${this.port}`;
    writeJson(res, 200, info.prefix === 'api' ? apiVersions(host) : apiGroupList(defs));
  }
}
