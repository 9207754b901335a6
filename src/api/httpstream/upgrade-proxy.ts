/**
 * The upgrade-aware proxy of the streaming path (upstream's
 * UpgradeAwareHandler, apimachinery pkg/util/proxy/upgradeaware.go): the API
 * server relays kubectl's SPDY upgrade to the kubelet, and the kubelet relays
 * it to the runtime's streaming server. It dials the backend with the client's
 * request, and when the backend answers 101 it writes that answer's head to
 * the client and copies bytes both ways until either side ends; any other
 * answer is relayed as it is (so a client sees the backend's Status and can
 * fall back). Nothing here parses the stream itself.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { DEFAULT_CIPHERS, type SecureContextOptions } from 'node:tls';

/** Where and how to dial: the URL's path and query replace the client's. */
export interface UpgradeBackend {
  url: URL;
  /** Defaults to the client's method. */
  method?: string;
  /** TLS options for an https URL (CA to verify the backend, client certificate). */
  tls?: SecureContextOptions & { rejectUnauthorized?: boolean; servername?: string };
  /** Headers set on the proxied request, replacing the client's of the same name. */
  setHeaders?: Record<string, string | string[]>;
  /** Client headers not to forward (lower case); credentials never are. */
  dropHeaders?: string[];
  /** How long to wait for the backend's answer. @default 30000 */
  timeoutMs?: number;
  /** After the upgrade, drop both sides when no byte has moved either way for this long. @default never */
  idleTimeoutMs?: number;
}

/** The backend's answer to an upgrade request. */
export type UpgradeAnswer =
  | { upgraded: true; status: 101; headers: IncomingHttpHeaders; rawHead: string; socket: Duplex; head: Buffer }
  | { upgraded: false; status: number; headers: IncomingHttpHeaders; rawHead: string; body: Buffer };

/**
 * OpenSSL's default list with TLS_AES_128_GCM_SHA256 first: the suite Go
 * picks first on AES hardware (crypto/tls defaultCipherSuitesTLS13), and
 * cheaper per byte than AES-256; a Node server follows the client's order.
 */
const STREAMING_CIPHERS = ['TLS_AES_128_GCM_SHA256', ...DEFAULT_CIPHERS.split(':').filter((c) => c !== 'TLS_AES_128_GCM_SHA256')].join(':');

/** Headers that belong to one hop or carry the client's own credentials. */
const NEVER_FORWARDED = new Set(['authorization', 'host', 'content-length', 'transfer-encoding', 'proxy-authorization', 'keep-alive', 'te', 'trailer']);

/**
 * Sends an upgrade request to `url` and resolves with the answer: the
 * upgraded socket on 101, the whole response otherwise. Rejects when the
 * backend cannot be reached or does not answer within the timeout.
 */
export function dialUpgrade(backend: UpgradeBackend, rawHeaders: string[], body?: Buffer): Promise<UpgradeAnswer> {
  const { url } = backend;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    // Without a length node would frame the (empty) body as chunked and send its terminator after the upgrade.
    const headers = [...rawHeaders, 'Content-Length', String(body?.length ?? 0)];
    // Node adds no Host to array headers (setHost only applies to objects); Go servers answer 400 without one.
    if (!rawHeaders.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'host')) headers.push('Host', url.host);
    const req = request(url, {
      method: backend.method ?? 'GET',
      headers,
      ...(url.protocol === 'https:' ? { ciphers: STREAMING_CIPHERS, ...backend.tls } : {}),
      agent: false,
      setHost: true,
    } as Parameters<typeof httpRequest>[1]);
    const timer = setTimeout(() => req.destroy(new Error(`no answer from ${url.host} within ${backend.timeoutMs ?? 30_000} ms`)), backend.timeoutMs ?? 30_000);
    req.once('upgrade', (res: IncomingMessage, socket: Duplex, head: Buffer) => {
      clearTimeout(timer);
      noDelay(socket);
      resolve({ upgraded: true, status: 101, headers: res.headers, rawHead: `${responseHead(res)}\r\n`, socket, head });
    });
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks);
        const rawHead = `${responseHead(res, true)}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
        resolve({ upgraded: false, status: res.statusCode ?? 502, headers: res.headers, rawHead, body });
      });
      res.once('error', (e) => { clearTimeout(timer); reject(e); });
    });
    req.once('error', (e) => { clearTimeout(timer); reject(e); });
    req.end(body);
  });
}

/** The headers to send upstream: the client's, less credentials and hop headers, plus `setHeaders`. */
export function forwardedHeaders(req: IncomingMessage, backend: UpgradeBackend): string[] {
  const drop = new Set([...NEVER_FORWARDED, ...(backend.dropHeaders ?? []), ...Object.keys(backend.setHeaders ?? {}).map((h) => h.toLowerCase())]);
  const out: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (!drop.has(req.rawHeaders[i].toLowerCase())) out.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  for (const [name, value] of Object.entries(backend.setHeaders ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) out.push(name, v);
  }
  const from = req.socket.remoteAddress;
  if (from && !drop.has('x-forwarded-for')) out.push('X-Forwarded-For', from);
  return out;
}

/**
 * Proxies one upgrade request (`req`, its hijacked socket and the bytes read
 * past its head) to the backend. Resolves once the exchange is over: both
 * sockets closed, or the backend's non-101 answer relayed. Rejects, leaving
 * the client socket open for the caller's error reply, when the backend
 * cannot be reached.
 */
export async function proxyUpgrade(req: IncomingMessage, client: Duplex, clientHead: Buffer, backend: UpgradeBackend): Promise<void> {
  const answer = await dialUpgrade({ ...backend, method: backend.method ?? req.method }, forwardedHeaders(req, backend));
  if (!answer.upgraded) {
    client.end(Buffer.concat([Buffer.from(answer.rawHead), answer.body]));
    return;
  }
  client.write(answer.rawHead);
  if (answer.head.length > 0) client.write(answer.head);
  if (clientHead.length > 0) answer.socket.write(clientHead);
  await splice(client, answer.socket, backend.idleTimeoutMs);
}

/**
 * Copies bytes both ways until either side ends or fails, then destroys both
 * (upstream drops both sides when either direction ends). Resolves when both
 * are closed, also when one was closed already.
 */
export function splice(a: Duplex, b: Duplex, idleTimeoutMs?: number): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const idle = idleTimeoutMs ? setTimeout(() => finish(), idleTimeoutMs) : undefined;
    idle?.unref();
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      // The last chunks before an EOF may still be corked: hand them to the socket before dropping it.
      for (const s of [a, b]) while (s.writableCorked > 0) s.uncork();
      a.destroy();
      b.destroy();
    };
    let closed = 0;
    const onClose = (): void => { finish(); if (++closed === 2) resolve(); };
    for (const s of [a, b]) {
      // A side that closed before the splice (a client gone while the backend was dialled) emits no more 'close'.
      if (s.closed) { onClose(); continue; }
      s.once('error', finish);
      s.once('end', finish);
      s.once('close', onClose);
    }
    if (done) return;
    for (const s of [a, b]) noDelay(s);
    copy(a, b, idle);
    copy(b, a, idle);
  });
}

/**
 * Writes every chunk of `from` to `to`, pausing `from` while `to` is full.
 * The chunks one read yields (a TLS socket emits a 64 KiB read as 16 KiB
 * records, one after the other) are corked into one write: one syscall, or
 * one TLS write, instead of one per chunk.
 */
function copy(from: Duplex, to: Duplex, idle: NodeJS.Timeout | undefined): void {
  const uncork = (): void => { to.uncork(); };
  from.on('data', (chunk: Buffer) => {
    idle?.refresh();
    if (to.destroyed) return;
    if (!to.writableCorked) {
      to.cork();
      process.nextTick(uncork);
    }
    if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  });
}

/** Turns Nagle off on a TCP or TLS socket (SPDY frames are small and latency-bound), as Go does on every TCP connection. */
function noDelay(s: Duplex): void {
  (s as Partial<Socket>).setNoDelay?.(true);
}

/**
 * The status line and header lines of `res` as they came, for relaying on a
 * raw socket; the caller ends the head. With `withBody`, the framing headers
 * are left out: the body was read whole and the caller frames it anew.
 */
function responseHead(res: IncomingMessage, withBody = false): string {
  let head = `HTTP/1.1 ${res.statusCode} ${res.statusMessage ?? ''}\r\n`;
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    const name = res.rawHeaders[i].toLowerCase();
    if (withBody && (name === 'content-length' || name === 'transfer-encoding' || name === 'connection')) continue;
    head += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
  }
  return head;
}

/** Writes a whole HTTP response on a raw (hijacked) socket and ends it: for errors in upgrade handlers. */
export function writeRawResponse(socket: Duplex, status: number, reason: string, headers: Record<string, string>, body: string | Buffer): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  let head = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  head += `Content-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head), bytes]));
}
