/**
 * The kubelet's HTTPS server (upstream pkg/kubelet/server/server.go), on
 * --kubelet-port (10250):
 * - GET /healthz (and /healthz/ping): "ok";
 * - GET /pods: a v1 PodList of the pods bound to this kubelet;
 * - GET /metrics: the kubelet's metrics; GET /metrics/resource: CPU and
 *   memory of node, pods and containers (metrics-server's source);
 * - GET /stats/summary: the Summary API (`?only_cpu_and_memory=true` keeps
 *   just those);
 * - GET /containerLogs/{namespace}/{pod}/{container}: the container's log
 *   (container-logs.ts), when a runtime is given;
 * - GET and POST /exec/…, /attach/…, /portForward/…: upgrades relayed to
 *   the runtime's streaming server (streaming.ts), when a runtime is given;
 *   SPDY port-forward is served here (portforward/).
 * Authentication and authorization, simplified from upstream's webhook
 * mode: a client certificate that verifies against --client-ca-file is
 * allowed everything; anyone else (no such file, or no valid certificate)
 * reaches only /healthz and gets 401 elsewhere. Bad methods get 405,
 * unknown paths 404; an error while answering is a 500 with its message.
 */
import { createServer, type Server } from 'node:https';
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import type { KubeletMetrics } from './kubelet-metrics.js';
import { renderResourceMetrics } from './resource-metrics.js';
import type { StatsProvider } from './stats-provider.js';
import type { Summary } from './stats-types.js';
import type { RuntimeService } from '../runtime/cri/services.js';
import { CONTAINER_NAME_LABEL, POD_UID_LABEL } from '../pod-workers/labels.js';
import { parseLogOptions, writeContainerLogs } from './container-logs.js';
import { matchStreamingRoute, StreamingRoutes } from './streaming.js';
import { writeRawResponse } from '../../api/httpstream/upgrade-proxy.js';
import { NetnsDialer } from './portforward/netns-dialer.js';
import { findExecutable } from '../node-requirements.js';

export const DEFAULT_KUBELET_PORT = 10250;

export interface KubeletServerOptions {
  /** @default DEFAULT_KUBELET_PORT; 0 picks a free port */
  port?: number;
  /** @default '0.0.0.0' */
  address?: string;
  certPem: string;
  keyPem: string;
  /** PEM bundle of the CAs whose client certificates are accepted; none: only /healthz is served. */
  clientCaPem?: string;
  /** The pods bound to this node, as the kubelet knows them. */
  pods: () => Pod[];
  metrics: KubeletMetrics;
  stats: Pick<StatsProvider, 'summary'>;
  /** For /containerLogs and the streaming paths; without it those are 404. */
  runtime?: Pick<RuntimeService, 'listContainers' | 'containerStatus' | 'listPodSandbox' | 'podSandboxStatus' | 'exec' | 'attach' | 'portForward'>;
  /**
   * Serve SPDY port-forward in the kubelet, dialling inside the pod's
   * network namespace with nsenter, rather than through the runtime's
   * streaming server. @default true when nsenter is on PATH
   */
  portForwardInPodNetns?: boolean;
  /** Streaming sessions idle this long are closed. @default 4 h */
  streamingIdleTimeoutMs?: number;
  logger?: Logger;
}

const ANONYMOUS_PATHS = new Set(['/healthz', '/healthz/ping']);

export class KubeletServer {
  private server: Server | undefined;
  private readonly streaming: StreamingRoutes | undefined;
  private readonly netns: NetnsDialer | undefined;

  constructor(private readonly o: KubeletServerOptions) {
    if (o.runtime) {
      if (o.portForwardInPodNetns ?? findExecutable('nsenter') !== undefined) this.netns = new NetnsDialer(findExecutable('nsenter') ?? 'nsenter');
      this.streaming = new StreamingRoutes({
        pods: o.pods, runtime: o.runtime, ...(this.netns ? { netns: this.netns } : {}), sessions: o.metrics.httpInflightRequests, ...(o.logger ? { logger: o.logger } : {}),
        ...(o.streamingIdleTimeoutMs ? { idleTimeoutMs: o.streamingIdleTimeoutMs } : {}),
      });
    }
  }

  /** Streaming sessions (exec, attach, portForward) being dialled or relayed now. */
  get streamingSessions(): number {
    return this.streaming?.sessions ?? 0;
  }

  /** Listens; resolves with the bound port. */
  async start(): Promise<number> {
    const server = createServer({
      cert: this.o.certPem, key: this.o.keyPem, requestCert: true, rejectUnauthorized: false,
      ...(this.o.clientCaPem ? { ca: this.o.clientCaPem } : {}),
    }, (req, res) => { void this.handle(req, res); });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => { void this.upgrade(req, socket, head); });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port ?? DEFAULT_KUBELET_PORT, this.o.address ?? '0.0.0.0', () => { server.off('error', reject); resolve(); });
    });
    return (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.netns?.close();
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req);
    if (!url) return text(res, 400, 'Bad Request: invalid URL');
    const path = url.pathname;
    try {
      if (!ANONYMOUS_PATHS.has(path) && !this.authenticated(req)) return text(res, 401, 'Unauthorized');
      const streamingRoute = this.streaming && matchStreamingRoute(path);
      if (streamingRoute) {
        const r = await this.streaming!.refusePlain(streamingRoute, req);
        for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, v);
        return text(res, r.status, r.message);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, `${req.method ?? ''} not allowed`);
      switch (path) {
        case '/healthz':
        case '/healthz/ping':
          return text(res, 200, 'ok');
        case '/pods':
        case '/pods/':
          return json(res, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: this.o.pods() });
        case '/metrics':
          return send(res, 200, this.o.metrics.registry.contentType, await this.o.metrics.text());
        case '/metrics/resource': {
          const summary = await this.o.stats.summary().catch((e: unknown) => {
            this.o.logger?.warn({ err: e instanceof Error ? e.message : String(e) }, 'resource metrics: stats failed');
            return undefined;
          });
          return send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', renderResourceMetrics(summary));
        }
        case '/stats/summary':
        case '/stats/summary/': {
          const summary = await this.o.stats.summary();
          return json(res, url.searchParams.get('only_cpu_and_memory') === 'true' ? onlyCpuAndMemory(summary) : summary);
        }
        default: {
          const logs = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
          if (logs && this.o.runtime) return await this.containerLogs(res, url, logs.slice(1).map(decodeURIComponent) as [string, string, string]);
          return text(res, 404, '404 page not found');
        }
      }
    } catch (e) {
      this.o.logger?.warn({ path, err: e instanceof Error ? e.message : String(e) }, 'kubelet server request failed');
      if (!res.headersSent) text(res, 500, `Internal Error: ${e instanceof Error ? e.message : String(e)}`);
      else res.destroy();
    }
  }

  /**
   * An upgrade request: a streaming path goes to the runtime; any other path
   * is answered as a plain request would be, on the raw socket.
   */
  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = requestUrl(req);
    if (!url) {
      writeRawResponse(socket, 400, 'Bad Request', { 'Content-Type': 'text/plain; charset=utf-8' }, 'Bad Request: invalid URL\n');
      return;
    }
    const route = this.streaming && matchStreamingRoute(url.pathname);
    if (route) {
      if (!this.authenticated(req)) {
        writeRawResponse(socket, 401, 'Unauthorized', { 'Content-Type': 'text/plain; charset=utf-8' }, 'Unauthorized\n');
        return;
      }
      await this.streaming!.upgrade(route, req, socket, head);
      return;
    }
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.once('finish', () => socket.end());
    await this.handle(req, res);
  }

  private async containerLogs(res: ServerResponse, url: URL, [namespace, name, container]: [string, string, string]): Promise<void> {
    const runtime = this.o.runtime!;
    const opts = parseLogOptions(url.searchParams);
    if (typeof opts === 'string') return text(res, 400, opts);
    const pod = this.o.pods().find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name);
    if (!pod) return text(res, 404, `pod "${namespace}/${name}" does not exist`);
    const spec = pod.spec;
    const names = [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])].map((c) => c.name);
    if (!names.includes(container)) return text(res, 404, `container "${container}" in pod "${name}" is not available`);
    const instances = (await runtime.listContainers({ labelSelector: { [POD_UID_LABEL]: pod.metadata?.uid ?? '', [CONTAINER_NAME_LABEL]: container } }))
      .sort((a, b) => b.createdAt - a.createdAt);
    const target = instances[opts.previous ? 1 : 0];
    if (!target) {
      return text(res, 400, opts.previous
        ? `previous terminated container "${container}" in pod "${name}" not found`
        : `container "${container}" in pod "${name}" is waiting to start`);
    }
    const logPath = (await runtime.containerStatus(target.id)).status?.logPath;
    if (!logPath) return text(res, 404, `container "${container}" in pod "${name}" has no log`);
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    await writeContainerLogs(logPath, res, {
      ...opts, signal: abort.signal,
      isRunning: async () => (await runtime.containerStatus(target.id).catch(() => undefined))?.status?.state === 'CONTAINER_RUNNING',
    });
    res.end();
  }

  /** A client certificate that verified against the client CA. */
  private authenticated(req: IncomingMessage): boolean {
    const socket = req.socket as TLSSocket;
    return Boolean(this.o.clientCaPem) && socket.authorized === true;
  }
}

/** The request's URL; undefined when it does not parse (`GET //` would otherwise throw). */
function requestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'https://kubelet');
  } catch {
    return undefined;
  }
}

function onlyCpuAndMemory(s: Summary): Summary {
  return {
    node: { nodeName: s.node.nodeName, startTime: s.node.startTime, ...(s.node.cpu ? { cpu: s.node.cpu } : {}), ...(s.node.memory ? { memory: s.node.memory } : {}) },
    pods: s.pods.map((p) => ({
      podRef: p.podRef, startTime: p.startTime, ...(p.cpu ? { cpu: p.cpu } : {}), ...(p.memory ? { memory: p.memory } : {}),
      containers: p.containers.map((c) => ({ name: c.name, startTime: c.startTime, ...(c.cpu ? { cpu: c.cpu } : {}), ...(c.memory ? { memory: c.memory } : {}) })),
    })),
  };
}

function send(res: ServerResponse, code: number, contentType: string, body: string): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function text(res: ServerResponse, code: number, body: string): void {
  send(res, code, 'text/plain; charset=utf-8', code === 200 ? body : `${body}\n`);
}

function json(res: ServerResponse, body: unknown): void {
  send(res, 200, 'application/json', JSON.stringify(body));
}
