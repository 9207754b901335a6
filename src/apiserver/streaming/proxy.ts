/**
 * pods/proxy, services/proxy and nodes/proxy (upstream's ProxyREST and the
 * ResourceLocation of each registry): HTTP to the pod IP, to a ready
 * endpoint of the service, or to the node's kubelet, with the path after
 * `proxy` and the query kept. Upgrade requests are relayed the same way.
 * The client's credentials are never forwarded.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SecureContextOptions } from 'node:tls';
import { badRequest, StatusError } from '../../api/errors.js';
import { proxyUpgrade } from '../../api/httpstream/upgrade-proxy.js';
import type { StreamingBackend } from './backend.js';
import { kubeletTarget } from './kubelet-target.js';
import type { ProxyRequestInfo } from './proxy-path.js';
import { dialErrorText } from './backend-errors.js';
import { simulatedNodeProxyRefusal } from './simulated-node.js';

interface Location { url: URL; tls?: SecureContextOptions & { rejectUnauthorized: boolean; servername?: string } }

const HOP_HEADERS = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'authorization', 'host']);

function serviceUnavailable(message: string): StatusError {
  return new StatusError(503, 'ServiceUnavailable', message);
}

/** Where a proxy request goes; throws upstream's Status when there is nowhere to go. */
export async function proxyLocation(backend: StreamingBackend, info: ProxyRequestInfo, search: string): Promise<Location> {
  const at = (scheme: string, host: string, port: string): URL =>
    new URL(`${scheme || 'http'}://${host.includes(':') ? `[${host}]` : host}${port ? `:${port}` : ''}${info.path}${search}`);
  switch (info.resource) {
    case 'pods': {
      const pod = await backend.getPod(info.namespace, info.name);
      let port = info.port;
      if (!port) port = String(pod.spec?.containers?.find((c) => c.ports?.length)?.ports?.[0]?.containerPort ?? '');
      const ip = pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? '';
      if (!isGlobalUnicast(ip)) throw badRequest('address not allowed');
      return { url: at(info.scheme, ip, port), tls: { rejectUnauthorized: false } };
    }
    case 'services': {
      let portName = info.port;
      if (/^\d+$/.test(portName)) {
        const svc = await backend.getService(info.namespace, info.name);
        const found = svc.spec?.ports?.find((p) => p.port === Number(portName));
        if (!found) throw serviceUnavailable(`no service port ${portName} found for service ${JSON.stringify(info.name)}`);
        portName = found.name ?? '';
      }
      const eps = await backend.getEndpoints(info.namespace, info.name);
      const subsets = eps.subsets ?? [];
      if (subsets.length === 0) throw serviceUnavailable(`no endpoints available for service ${JSON.stringify(info.name)}`);
      for (const ss of shuffled(subsets)) {
        const port = (ss.ports ?? []).find((p) => (p.name ?? '') === portName);
        const addrs = ss.addresses ?? [];
        if (!port || addrs.length === 0) continue;
        const addr = addrs[Math.floor(Math.random() * addrs.length)];
        return { url: at(info.scheme, addr.ip, String(port.port)), tls: { rejectUnauthorized: false } };
      }
      throw serviceUnavailable(`no endpoints available for service ${JSON.stringify(info.port ? `${info.name}:${info.port}` : info.name)}`);
    }
    case 'nodes': {
      const node = await backend.getNode(info.name);
      const target = kubeletTarget(node, backend.kubeletClient);
      if (target === 'simulated') {
        throw simulatedNodeProxyRefusal(info.name);
      }
      const kubelet = new URL(target.base);
      if (!info.port || info.port === kubelet.port) return { url: new URL(`${target.base}${info.path}${search}`), tls: target.tls };
      return { url: at(info.scheme, kubelet.hostname.replace(/^\[|\]$/g, ''), info.port), tls: { rejectUnauthorized: false } };
    }
  }
}

/**
 * Relays one plain HTTP request and its response. Resolves when the
 * response is over; rejects with upstream's 503 `error trying to reach
 * service: ...` (apimachinery pkg/util/proxy/transport.go) when the backend
 * cannot be reached, before anything is written.
 */
export function proxyHttp(req: IncomingMessage, res: ServerResponse, loc: Location): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_HEADERS.has(k)) headers[k] = v;
    const from = req.socket.remoteAddress;
    if (from) headers['x-forwarded-for'] = from;
    const request = loc.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const out = request(loc.url, { method: req.method, headers, agent: false, ...(loc.url.protocol === 'https:' ? loc.tls : {}) });
    res.once('close', () => out.destroy());
    out.once('error', (e) => {
      if (!res.headersSent) {
        reject(serviceUnavailable(`error trying to reach service: ${dialErrorText(e, loc.url)}`));
        return;
      }
      res.destroy();
      resolve();
    });
    out.once('response', (back) => {
      const h: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(back.headers)) if (v !== undefined && !HOP_HEADERS.has(k) && k !== 'content-length') h[k] = v;
      if (back.headers['content-length'] !== undefined) h['content-length'] = back.headers['content-length'];
      res.writeHead(back.statusCode ?? 502, h);
      back.pipe(res);
      back.once('end', () => resolve());
      back.once('error', () => { res.destroy(); resolve(); });
    });
    req.pipe(out);
  });
}

/** Relays an upgrade request through a proxy subresource. */
export async function proxyUpgradeTo(req: IncomingMessage, socket: Duplex, head: Buffer, loc: Location): Promise<void> {
  try {
    await proxyUpgrade(req, socket, head, { url: loc.url, ...(loc.tls ? { tls: loc.tls } : {}) });
  } catch (e) {
    throw serviceUnavailable(`error trying to reach service: ${dialErrorText(e, loc.url)}`);
  }
}

function isGlobalUnicast(ip: string): boolean {
  const v = isIP(ip);
  if (v === 4) {
    const [a, b] = ip.split('.').map(Number);
    return !(a === 0 || a === 127 || a >= 224 || (a === 169 && b === 254) || ip === '255.255.255.255');
  }
  if (v === 6) {
    const l = ip.toLowerCase();
    return !(l === '::' || l === '::1' || l.startsWith('fe80') || l.startsWith('ff'));
  }
  return false;
}

function shuffled<T>(xs: readonly T[]): T[] {
  const start = Math.floor(Math.random() * xs.length);
  return xs.map((_, i) => xs[(start + i) % xs.length]);
}
