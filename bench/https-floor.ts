/**
 * The request path's transport alone: what one HTTPS request and its answer
 * cost this machine with no API server behind them. An `https` server here
 * (the API server's own serving certificate) answers every POST with a canned
 * body of the API server's answer size; a child process sends bodies of the
 * request size from C keep-alive clients through Node's `https` agent, as the
 * benchmark's clients do. Prints requests/s and the CPU per request of each
 * side: the floor under every write an API server takes on this machine.
 * With `http2`, the same requests go as streams of one HTTP/2 connection
 * (as client-go multiplexes them), to show what that transport would cost.
 *
 * Run as a child with argv[2] === 'clients' (port, concurrency, requests, body bytes, h1|h2).
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:https';
import { connect as h2connect, createSecureServer as createH2Server, type ClientHttp2Session } from 'node:http2';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { selfCpuWindow } from './proc.js';

export interface HttpsFloorOptions {
  /** The bench server's data directory (its tls/serving.crt and .key are used). */
  dataDir: string;
  concurrency: number;
  requests: number;
  requestBytes: number;
  responseBytes: number;
  /** HTTP/2 streams over one connection instead of HTTP/1.1 keep-alive connections. */
  http2?: boolean;
}

export interface HttpsFloor {
  perSecond: number;
  /** CPU per request, in microseconds, of the answering process (all its threads). */
  serverUs: number;
  /** CPU per request, in microseconds, of the sending process. */
  clientUs: number;
}

export async function measureHttpsFloor(o: HttpsFloorOptions): Promise<HttpsFloor> {
  const tls = join(o.dataDir, 'tls');
  const answer = Buffer.from(JSON.stringify({ kind: 'Pod', apiVersion: 'v1', pad: 'x'.repeat(Math.max(0, o.responseBytes - 40)) }));
  const cert = { cert: readFileSync(join(tls, 'serving.crt')), key: readFileSync(join(tls, 'serving.key')) };
  const server = o.http2 ? createH2Server(cert) : createServer({ ...cert, keepAliveTimeout: 60_000 });
  // The body is read, as a server must, then dropped.
  if (o.http2) {
    (server as ReturnType<typeof createH2Server>).on('stream', (stream) => {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        stream.respond({ ':status': 201, 'content-type': 'application/json', 'content-length': answer.length });
        stream.end(answer);
      });
    });
  } else {
    server.on('request', (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      req.on('data', () => undefined);
      req.on('end', () => {
        res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': answer.length });
        res.end(answer);
      });
    });
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const child = fork(fileURLToPath(import.meta.url), ['clients', String(port), String(o.concurrency), String(o.requests), String(o.requestBytes), o.http2 ? 'h2' : 'h1'],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    let cpu = selfCpuWindow();
    const reply = await new Promise<{ seconds: number; cpu: number }>((resolve, reject) => {
      child.on('message', (m: { warm?: boolean; seconds?: number; cpu?: number }) => {
        if (m.warm) cpu = selfCpuWindow();
        else resolve(m as { seconds: number; cpu: number });
      });
      child.once('exit', (code) => reject(new Error(`https floor clients exited with ${code}`)));
    });
    const serverCores = cpu.stop();
    return {
      perSecond: o.requests / reply.seconds,
      serverUs: (serverCores * reply.seconds * 1e6) / o.requests,
      clientUs: (reply.cpu * reply.seconds * 1e6) / o.requests,
    };
  } finally {
    child.kill();
    if ('closeAllConnections' in server) server.closeAllConnections();
    server.close();
  }
}

async function clients(port: number, concurrency: number, requests: number, bodyBytes: number, http2: boolean): Promise<void> {
  const agent = http2 ? undefined : new Agent({ keepAlive: true, maxSockets: concurrency, rejectUnauthorized: false });
  const body = JSON.stringify({ kind: 'Pod', apiVersion: 'v1', pad: 'x'.repeat(Math.max(0, bodyBytes - 40)) });
  let session: ClientHttp2Session | undefined;
  if (http2) session = h2connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
  const post2 = (s: ClientHttp2Session): Promise<void> => new Promise((resolve, reject) => {
    const stream = s.request({ ':method': 'POST', ':path': '/api/v1/namespaces/bench/pods',
      'content-type': 'application/json', 'content-length': Buffer.byteLength(body), accept: 'application/json' });
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => { JSON.parse(Buffer.concat(chunks).toString('utf8')); resolve(); });
    stream.on('error', reject);
    stream.end(body);
  });
  const post = (): Promise<void> => session ? post2(session) : new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/namespaces/bench/pods', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { JSON.parse(Buffer.concat(chunks).toString('utf8')); resolve(); });
    });
    req.on('error', reject);
    req.end(body);
  });
  const run = async (n: number): Promise<void> => {
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < n) { next++; await post(); }
    }));
  };
  await run(Math.min(2000, requests));
  process.send?.({ warm: true });
  const cpu = selfCpuWindow();
  const t0 = performance.now();
  await run(requests);
  const seconds = (performance.now() - t0) / 1000;
  session?.close();
  process.send?.({ seconds, cpu: cpu.stop() }, () => process.exit(0));
}

if (process.argv[2] === 'clients') {
  const [port, concurrency, requests, bytes] = process.argv.slice(3, 7).map(Number);
  clients(port!, concurrency!, requests!, bytes!, process.argv[7] === 'h2').catch((e: unknown) => { console.error(e); process.exit(1); });
}
