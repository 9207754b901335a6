/**
 * The kubelet's streaming routes (upstream pkg/kubelet/server/server.go
 * getExec, getAttach, getPortForward), GET and POST:
 * - /exec/{namespace}/{pod}[/{uid}]/{container}?command=…&input=1&output=1&error=1&tty=1
 * - /attach/{namespace}/{pod}[/{uid}]/{container}?input=1&output=1&error=1&tty=1
 * - /portForward/{namespace}/{pod}[/{uid}][?port=8080,8081]
 * Only the value "1" turns a stream on (cri-streaming remotecommand
 * NewOptions); with tty, stderr is dropped. Attach takes tty from the
 * container's spec, as upstream's GetAttach does. The kubelet finds the pod among
 * its own, the running container (or the ready sandbox) through the
 * runtime, asks the runtime for a streaming URL (CRI Exec, Attach,
 * PortForward) and relays the client's upgrade there
 * (UpgradeAwareHandler): the bytes after the 101 are the runtime's.
 *
 * Errors, as plain text: no stream asked for or a bad port 400; unknown pod
 * 404 `pod does not exist`; port-forward with another pod's uid 404
 * `pod not found`; no running container 500 `container not found ("c")`
 * (upstream's streaming.WriteError maps only gRPC NotFound to 404 and
 * ResourceExhausted to 429, anything else to 500); a request without an
 * upgrade 500 `Upgrade request required` (UpgradeAwareHandler's BadRequest,
 * which the kubelet's responder writes as a 500); a runtime or backend
 * failure 500; a method other than GET or POST 405.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { proxyUpgrade, writeRawResponse } from '../../api/httpstream/upgrade-proxy.js';
import type { RuntimeService } from '../runtime/cri/services.js';
import type { StreamOptions } from '../runtime/cri/types.js';
import { GrpcError } from '../grpc/errors.js';
import { CONTAINER_NAME_LABEL, POD_UID_LABEL } from '../pod-workers/labels.js';
import type { NetnsDialer } from './portforward/netns-dialer.js';
import { sandboxNetnsPath } from './portforward/sandbox-netns.js';
import { serveSpdyPortForward, spdyPortForwardRefusal, wantsSpdy } from './portforward/spdy-port-forward.js';

export const DEFAULT_IDLE_TIMEOUT_MS = 4 * 3600_000;

export type StreamingKind = 'exec' | 'attach' | 'portForward';

/** A request on a streaming path, from its URL. */
export interface StreamingRoute {
  kind: StreamingKind;
  namespace: string;
  pod: string;
  /** From the path; empty when the path names none. */
  uid: string;
  /** Empty for portForward. */
  container: string;
}

/** The route of `path`, or undefined when it is not a streaming path. */
export function matchStreamingRoute(path: string): StreamingRoute | undefined {
  const parts = path.split('/').slice(1);
  const kind = parts[0];
  let segs: string[];
  try {
    segs = parts.slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  if (segs.some((s) => s === '')) return undefined;
  if (kind === 'exec' || kind === 'attach') {
    if (segs.length === 3) return { kind, namespace: segs[0]!, pod: segs[1]!, uid: '', container: segs[2]! };
    if (segs.length === 4) return { kind, namespace: segs[0]!, pod: segs[1]!, uid: segs[2]!, container: segs[3]! };
  } else if (kind === 'portForward' && (segs.length === 2 || segs.length === 3)) {
    return { kind, namespace: segs[0]!, pod: segs[1]!, uid: segs[2] ?? '', container: '' };
  }
  return undefined;
}

/** Counts sessions by kind and method (KubeletMetrics.httpInflightRequests fits). */
export interface SessionGauge {
  inc(labels: Record<string, string>): void;
  dec(labels: Record<string, string>): void;
}

export interface StreamingOptions {
  /** The pods bound to this node, as the kubelet knows them. */
  pods: () => Pod[];
  runtime: Pick<RuntimeService, 'listContainers' | 'listPodSandbox' | 'podSandboxStatus' | 'exec' | 'attach' | 'portForward'>;
  /**
   * With it, SPDY port-forward is served here, dialling inside the pod's
   * network namespace (the runtime's streaming server costs a relay hop
   * and most of the throughput); without it, or when the runtime does not
   * name the namespace, every session goes to the runtime.
   */
  netns?: NetnsDialer;
  sessions?: SessionGauge;
  /** A session with no byte either way for this long is closed (upstream's --streaming-connection-idle-timeout). @default 4 h */
  idleTimeoutMs?: number;
  logger?: Logger;
}

/** A reply that ends the request before any upgrade. */
export interface Refusal { status: number; message: string; headers?: Record<string, string> }

/** How long a pending CRI streaming URL stays valid (upstream request_cache.go CacheTTL): the Retry-After of a 429. */
const CACHE_TTL_SECONDS = 60;

export class StreamingRoutes {
  private live = 0;

  constructor(private readonly o: StreamingOptions) {}

  /** Streaming sessions being dialled or relayed now. */
  get sessions(): number {
    return this.live;
  }

  /**
   * Serves an upgrade request on `route` over the hijacked socket: relays it
   * to the runtime, or writes the refusal. Resolves when the session is over;
   * never rejects.
   */
  async upgrade(route: StreamingRoute, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const labels = { method: req.method ?? '', path: route.kind, server_type: 'readwrite', long_running: 'true' };
    this.live++;
    this.o.sessions?.inc(labels);
    socket.on('error', () => socket.destroy());
    try {
      const target = await this.locate(route, req);
      if (isRefusal(target)) return refuseRaw(socket, target);
      if (route.kind === 'portForward' && this.o.netns && wantsSpdy(req) && await this.servePortForward(route, req, socket, head, target)) return;
      const url = await this.streamingUrl(route, target);
      if (isRefusal(url)) return refuseRaw(socket, url);
      await proxyUpgrade(req, socket, head, { url: new URL(url), idleTimeoutMs: this.o.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS }).catch((e: unknown) => {
        this.o.logger?.warn({ route: route.kind, err: message(e) }, 'streaming: the runtime\'s streaming server failed');
        refuseRaw(socket, { status: 500, message: message(e) });
      });
    } catch (e) {
      this.o.logger?.warn({ route: route.kind, err: message(e) }, 'streaming request failed');
      refuseRaw(socket, { status: 500, message: message(e) });
    } finally {
      this.live--;
      this.o.sessions?.dec(labels);
    }
  }

  /**
   * Serves a SPDY port-forward here when the sandbox's network namespace is
   * known; false when it is not (the runtime serves it then).
   */
  private async servePortForward(route: StreamingRoute, req: IncomingMessage, socket: Duplex, head: Buffer, target: Target): Promise<boolean> {
    const netnsPath = await sandboxNetnsPath(this.o.runtime, target.id).catch(() => undefined);
    if (netnsPath === undefined) return false;
    const refusal = spdyPortForwardRefusal(req);
    if (refusal) {
      refuseRaw(socket, refusal);
      return true;
    }
    const ns = this.o.netns!.acquire(netnsPath);
    try {
      await serveSpdyPortForward(socket, head, {
        podFullName: `${route.pod}_${route.namespace}`, uid: target.uid, dialer: ns,
        idleTimeoutMs: this.o.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      });
    } finally {
      ns.release();
    }
    return true;
  }

  /**
   * The answer to a request without an upgrade: the first refusal that
   * applies. Upstream asks the runtime first and lets UpgradeAwareHandler
   * refuse (its kubelet responder writes that as a 500); asking for a
   * single-use URL nobody will use is skipped here.
   */
  async refusePlain(route: StreamingRoute, req: IncomingMessage): Promise<Refusal> {
    const target = await this.locate(route, req);
    return isRefusal(target) ? target : { status: 500, message: 'Upgrade request required' };
  }

  /** The query's options and the container (or sandbox) the session is for, or why there is none. */
  private async locate(route: StreamingRoute, req: IncomingMessage): Promise<Target | Refusal> {
    if (req.method !== 'GET' && req.method !== 'POST') return { status: 405, message: 'Method Not Allowed', headers: { Allow: 'GET, POST' } };
    const query = new URL(req.url ?? '/', 'https://kubelet').searchParams;
    const streams = route.kind === 'portForward' ? undefined : streamOptions(query);
    if (typeof streams === 'string') return { status: 400, message: streams };
    const ports = route.kind === 'portForward' ? portsOf(query) : [];
    if (typeof ports === 'string') return { status: 400, message: ports };
    const pod = this.o.pods().find((p) => p.metadata?.namespace === route.namespace && p.metadata?.name === route.pod);
    if (!pod) return { status: 404, message: 'pod does not exist' };
    const uid = route.uid || (pod.metadata?.uid ?? '');
    if (route.kind === 'portForward') {
      if (route.uid && route.uid !== pod.metadata?.uid) return { status: 404, message: 'pod not found' };
      const sandboxes = (await this.o.runtime.listPodSandbox({ state: { state: 'SANDBOX_READY' }, labelSelector: { [POD_UID_LABEL]: uid } }))
        .sort((a, b) => b.createdAt - a.createdAt);
      if (!sandboxes[0]) return { status: 500, message: `pod not found (${JSON.stringify(`${route.pod}_${route.namespace}`)})` };
      return { id: sandboxes[0].id, uid, command: [], ports };
    }
    // Upstream's findContainer: the pod by uid when the path gives one, its running container by name.
    const containers = (await this.o.runtime.listContainers({
      state: { state: 'CONTAINER_RUNNING' }, labelSelector: { [POD_UID_LABEL]: uid, [CONTAINER_NAME_LABEL]: route.container },
    })).sort((a, b) => b.createdAt - a.createdAt);
    if (!containers[0]) return { status: 500, message: `container not found (${JSON.stringify(route.container)})` };
    if (route.kind === 'attach') {
      // Upstream's GetAttach: whether the process has a TTY is the container's, fixed when it started, not the query's.
      const spec = [...pod.spec?.containers ?? [], ...pod.spec?.initContainers ?? [], ...pod.spec?.ephemeralContainers ?? []].find((c) => c.name === route.container);
      if (!spec) return { status: 500, message: `container ${route.container} not found in pod ${route.pod}_${route.namespace}` };
      return { id: containers[0].id, uid, streams: { ...streams!, tty: spec.tty ?? false }, command: [], ports };
    }
    return { id: containers[0].id, uid, streams: streams!, command: query.getAll('command'), ports };
  }

  /** The runtime's URL for the session (CRI Exec, Attach or PortForward), or the runtime's refusal. */
  private async streamingUrl(route: StreamingRoute, t: Target): Promise<string | Refusal> {
    try {
      if (route.kind === 'exec') return await this.o.runtime.exec(t.id, t.command, t.streams!);
      if (route.kind === 'attach') return await this.o.runtime.attach(t.id, t.streams!);
      return await this.o.runtime.portForward(t.id, t.ports);
    } catch (e) {
      return criRefusal(e);
    }
  }
}

/** What a session is for: a container (exec, attach) or a sandbox (portForward). */
interface Target {
  id: string;
  uid: string;
  streams?: StreamOptions;
  command: string[];
  ports: number[];
}

function isRefusal(x: unknown): x is Refusal {
  return typeof x === 'object' && x !== null && 'status' in x;
}

/** remotecommand NewOptions: the streams asked for, or the message of a 400. */
export function streamOptions(q: URLSearchParams): StreamOptions | string {
  const on = (k: string): boolean => q.get(k) === '1';
  const tty = on('tty');
  const o = { stdin: on('input'), stdout: on('output'), stderr: on('error') && !tty, tty };
  if (!o.stdin && !o.stdout && !o.stderr) return 'you must specify at least 1 of stdin, stdout, stderr';
  return o;
}

/** The `port` query (repeatable, comma lists), as upstream's NewV4Options reads it; the message of a 400 when bad. */
export function portsOf(q: URLSearchParams): number[] | string {
  const ports: number[] = [];
  for (const value of q.getAll('port')) {
    if (value === '') return 'query parameter "port" cannot be empty';
    for (const p of value.split(',')) {
      if (!/^\d+$/.test(p) || Number(p) > 65535) return `unable to parse ${JSON.stringify(value)} as a port`;
      if (Number(p) < 1) return `port ${JSON.stringify(value)} must be > 0`;
      ports.push(Number(p));
    }
  }
  return ports;
}

/** upstream cri-streaming WriteError: NotFound 404, ResourceExhausted 429, anything else 500. */
function criRefusal(e: unknown): Refusal {
  if (e instanceof GrpcError && e.codeName === 'NotFound') return { status: 404, message: e.details };
  if (e instanceof GrpcError && e.codeName === 'ResourceExhausted') return { status: 429, message: e.details, headers: { 'Retry-After': String(CACHE_TTL_SECONDS) } };
  return { status: 500, message: e instanceof GrpcError ? e.details : message(e) };
}

function refuseRaw(socket: Duplex, r: Refusal): void {
  if (socket.destroyed || !socket.writable) return;
  writeRawResponse(socket, r.status, STATUS_CODES[r.status] ?? '', { 'Content-Type': 'text/plain; charset=utf-8', ...r.headers }, `${r.message}\n`);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
