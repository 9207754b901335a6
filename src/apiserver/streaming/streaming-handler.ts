/**
 * The API server's streaming subresources in one place: pods/log (plain
 * GET), pods/exec, pods/attach, pods/portforward (upgrade requests only),
 * and the proxy subresources of pods, services and nodes (both). Upgrade
 * requests arrive here from the HTTPS server's 'upgrade' event with their
 * socket; every refusal on that path is a Status written on the raw socket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { badRequest, internalError, isStatusError, StatusError, unauthorized } from '../../api/errors.js';
import { writeRawResponse } from '../../api/httpstream/upgrade-proxy.js';
import { authenticateRequest } from '../authn/index.js';
import { parseRequestInfo, splitUrl, type ResourceRequestInfo } from '../request-info.js';
import type { StreamingBackend } from './backend.js';
import { PodConnector, type ConnectSubresource } from './pod-connect.js';
import { servePodLog } from './pod-log.js';
import { parseProxyPath, type ProxyRequestInfo } from './proxy-path.js';
import { proxyHttp, proxyLocation, proxyUpgradeTo } from './proxy.js';

const CONNECT = new Set<string>(['exec', 'attach', 'portforward']);

/** Whether a parsed resource request is one this handler serves. */
export function isStreamingRequest(info: ResourceRequestInfo): boolean {
  if (info.group !== '' || !info.name) return false;
  if (info.resource === 'pods') return info.subresource === 'log' || info.subresource === 'proxy' || CONNECT.has(info.subresource);
  return (info.resource === 'services' || info.resource === 'nodes') && info.subresource === 'proxy';
}

export class StreamingHandler {
  private readonly connector: PodConnector;

  constructor(private readonly backend: StreamingBackend) {
    this.connector = new PodConnector(backend);
  }

  /** A plain (non-upgrade) request, already authenticated, to a path isStreamingRequest accepted. */
  async serveHttp(req: IncomingMessage, res: ServerResponse, info: ResourceRequestInfo, query: URLSearchParams): Promise<void> {
    if (CONNECT.has(info.subresource)) {
      if (req.method !== 'GET' && req.method !== 'POST') throw methodNotAllowed();
      throw badRequest('Upgrade request required');
    }
    if (info.subresource === 'log') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed();
      return servePodLog(this.backend, req, res, info, query);
    }
    return this.serveProxy(req, res, proxyInfoOf(info), query);
  }

  /** A plain request to a proxy path with a subpath (`.../proxy/x/y`), already authenticated. */
  async serveProxy(req: IncomingMessage, res: ServerResponse, info: ProxyRequestInfo, query: URLSearchParams): Promise<void> {
    const search = query.toString();
    const loc = await proxyLocation(this.backend, info, search ? `?${search}` : '');
    await proxyHttp(req, res, loc);
  }

  /**
   * Serves an upgrade request on its hijacked socket: authenticates it,
   * routes it, and writes any refusal as a Status. Never throws.
   */
  async serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    try {
      if (!authenticateRequest(req)) throw unauthorized();
      const { pathname, query } = splitUrl(req);
      const proxy = parseProxyPath(pathname);
      if (proxy) {
        const search = query.toString();
        return await proxyUpgradeTo(req, socket, head, await proxyLocation(this.backend, proxy, search ? `?${search}` : ''));
      }
      const parsed = parseRequestInfo(req.method ?? 'GET', pathname, query);
      if (parsed.kind !== 'resource' || parsed.info.resource !== 'pods' || parsed.info.group !== '' || !CONNECT.has(parsed.info.subresource) || !parsed.info.name) {
        throw badRequest(`upgrade requests are served only by pods/exec, pods/attach, pods/portforward and the proxy subresources`);
      }
      const i = parsed.info;
      await this.connector.handle(req, socket, head, i.subresource as ConnectSubresource, { namespace: i.namespace, name: i.name }, query);
    } catch (e) {
      const se = isStatusError(e) ? e : internalError(e);
      if (!isStatusError(e)) this.backend.logger.error({ err: e, url: req.url }, 'upgrade request failed');
      writeStatus(socket, se);
    }
  }

  close(): void {
    this.connector.close();
  }
}

function proxyInfoOf(info: ResourceRequestInfo): ProxyRequestInfo {
  const parsed = parseProxyPath(`/api/v1/${info.namespace ? `namespaces/${encodeURIComponent(info.namespace)}/` : ''}${info.resource}/${encodeURIComponent(info.name)}/proxy`);
  if (!parsed) throw badRequest(`invalid ${info.resource} request ${JSON.stringify(info.name)}`);
  return parsed;
}

function methodNotAllowed(): StatusError {
  return new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

function writeStatus(socket: Duplex, se: StatusError): void {
  if (socket.destroyed || !socket.writable) return;
  writeRawResponse(socket, se.code, REASON_PHRASES[se.code] ?? 'Error', { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' },
    JSON.stringify(se.toStatus()));
}

const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  422: 'Unprocessable Entity', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
};
