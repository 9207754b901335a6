/**
 * The hops of a port-forward, one at a time, for bench/port-forward.ts:
 * one GET of /big from httpd in the pod over a SPDY port-forward stream of
 * our own client (src/api/httpstream/spdy), dialled at a chosen hop (the
 * runtime's streaming URL, the kubelet's /portForward, the API server's
 * pods/portforward), and floors without SPDY: the same GET through an
 * in-process TCP relay and through an in-process TLS terminator + relay.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { RelayProcessOptions } from './relay-process.js';
import { createServer as createNetServer, connect as netConnect, type AddressInfo, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, type SecureContextOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import { dialUpgrade } from '../src/api/httpstream/upgrade-proxy.js';
import { SpdyConnection } from '../src/api/httpstream/spdy/index.js';
import { PortForwardProtocolV1 } from '../src/api/httpstream/remotecommand/index.js';

/** TLS options of a hop: CA to verify it, client certificate, name to verify. */
export type HopTls = SecureContextOptions & { rejectUnauthorized?: boolean; servername?: string };

/**
 * MiB/s of one `GET /big` of `sizeMiB` MiB to `port` in the pod, over a
 * SPDY port-forward session upgraded at `url` (POST, portforward.k8s.io, as
 * kubectl sends it). Times the streams only, not the upgrade: kubectl's
 * session is up before the first local connection too. Rejects on a
 * refused upgrade, an error on the error stream or a short body.
 */
export async function spdyPortForwardRate(url: URL, tls: HopTls | undefined, port: number, sizeMiB: number): Promise<number> {
  const answer = await dialUpgrade({ url, method: 'POST', tls },
    ['Connection', 'Upgrade', 'Upgrade', 'SPDY/3.1', 'X-Stream-Protocol-Version', PortForwardProtocolV1]);
  if (!answer.upgraded) throw new Error(`${url.host}${url.pathname}: ${answer.status} ${answer.body.toString()}`);
  if (answer.head.length > 0) answer.socket.unshift(answer.head);
  const conn = new SpdyConnection(answer.socket, { role: 'client' });
  try {
    const started = performance.now();
    const error = await conn.openStream({ streamtype: 'error', port: String(port), requestid: '0' });
    error.end();
    const errorText = collect(error);
    const data = await conn.openStream({ streamtype: 'data', port: String(port), requestid: '0' });
    const body = countBody(data);
    // No FIN after the request: containerd ends the whole forward as soon as either direction's copy ends.
    data.write('GET /big HTTP/1.0\r\nHost: pod\r\n\r\n');
    const bytes = await body;
    const secs = (performance.now() - started) / 1000;
    const err = (await errorText).toString();
    if (err) throw new Error(`port-forward error stream: ${err}`);
    checkLength(bytes, sizeMiB);
    return sizeMiB / secs;
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/**
 * A relay floor: a local server whose every connection is relayed (pipe
 * both ways) to `target`; with `tls`, the local server terminates TLS
 * first, as the API server and the kubelet do. `rate()` fetches /big
 * through it (over TLS when `tls` is given).
 */
export async function startRelay(target: { host: string; port: number }, tls?: { server: SecureContextOptions; client: HopTls }): Promise<{
  rate(sizeMiB: number): Promise<number>;
  close(): Promise<void>;
}> {
  const relay = (client: Socket): void => {
    const backend = netConnect(target);
    for (const s of [client, backend]) s.on('error', () => { client.destroy(); backend.destroy(); });
    client.pipe(backend);
    backend.pipe(client);
  };
  const server: Server = tls ? createTlsServer(tls.server, relay) : createNetServer(relay);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    async rate(sizeMiB) {
      const started = performance.now();
      const socket: Duplex = tls ? tlsConnect({ host: '127.0.0.1', port, ...tls.client }) : netConnect({ host: '127.0.0.1', port });
      const body = countBody(socket);
      socket.write('GET /big HTTP/1.0\r\nHost: pod\r\n\r\n');
      const bytes = await body;
      checkLength(bytes, sizeMiB);
      return sizeMiB / ((performance.now() - started) / 1000);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The body length of the HTTP/1.0 response read from `r` until EOF; rejects on a non-200. */
function countBody(r: Duplex): Promise<number> {
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    let headDone = false;
    let bytes = 0;
    r.on('data', (c: Buffer) => {
      if (headDone) { bytes += c.length; return; }
      head = Buffer.concat([head, c]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headDone = true;
      if (!/^HTTP\/1\.[01] 200 /.test(head.toString('latin1', 0, 16))) reject(new Error(`not a 200: ${head.toString('latin1', 0, end)}`));
      bytes = head.length - end - 4;
    });
    r.once('end', () => resolve(bytes));
    r.once('error', reject);
  });
}

function collect(r: Duplex): Promise<Buffer> {
  const chunks: Buffer[] = [];
  r.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => { r.once('end', () => resolve(Buffer.concat(chunks))); r.once('error', reject); });
}

function checkLength(bytes: number, sizeMiB: number): void {
  if (bytes !== sizeMiB * 1024 * 1024) throw new Error(`got ${bytes} bytes, want ${sizeMiB * 1024 * 1024}`);
}

/**
 * A chain of relay processes in front of `target` (the first element is
 * the hop the client dials); each hop serves TLS with `serve` and dials
 * the next over TLS verified by `ca`, the last dials the target in clear.
 * `rate()` fetches /big through the chain over TLS.
 */
export async function startRelayChain(target: { host: string; port: number }, hops: number, tls: { serve: { cert: string; key: string }; ca: string; servername: string }): Promise<{
  rate(sizeMiB: number): Promise<number>;
  close(): void;
}> {
  const script = fileURLToPath(new URL('./relay-process.js', import.meta.url));
  const procs: ReturnType<typeof spawn>[] = [];
  let next = target;
  try {
    for (let i = 0; i < hops; i++) {
      const opts: RelayProcessOptions = { target: next, serve: tls.serve, ...(i > 0 ? { dial: { ca: tls.ca, servername: tls.servername } } : {}) };
      const p = spawn(process.execPath, [script, JSON.stringify(opts)], { stdio: ['pipe', 'pipe', 'inherit'] });
      procs.push(p);
      const [line] = await once(p.stdout!, 'data') as [Buffer];
      next = { host: '127.0.0.1', port: Number(line.toString().trim()) };
    }
  } catch (e) {
    for (const p of procs) p.kill();
    throw e;
  }
  const entry = next;
  return {
    async rate(sizeMiB) {
      const started = performance.now();
      const socket = tlsConnect({ ...entry, ca: tls.ca, servername: tls.servername });
      const body = countBody(socket);
      socket.write('GET /big HTTP/1.0\r\nHost: pod\r\n\r\n');
      const bytes = await body;
      checkLength(bytes, sizeMiB);
      return sizeMiB / ((performance.now() - started) / 1000);
    },
    close() {
      for (const p of procs) p.stdin!.end();
    },
  };
}
