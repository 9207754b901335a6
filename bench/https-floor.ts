/**
 * The request path's transport alone: what one HTTPS request and its answer
 * cost this machine with no API server behind them. An `https` server here
 * (the API server's own serving certificate) answers every POST with a canned
 * body of the API server's answer size; a child process sends bodies of the
 * request size from C keep-alive clients through Node's `https` agent, as the
 * benchmark's clients do. Prints requests/s and the CPU per request of each
 * side: the floor under every write an API server takes on this machine.
 *
 * Run as a child with argv[2] === 'clients' (port, concurrency, requests, body bytes).
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:https';
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
  const server = createServer({ cert: readFileSync(join(tls, 'serving.crt')), key: readFileSync(join(tls, 'serving.key')), keepAliveTimeout: 60_000 }, (req, res) => {
    // The body is read, as a server must, then dropped.
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': answer.length });
      res.end(answer);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const child = fork(fileURLToPath(import.meta.url), ['clients', String(port), String(o.concurrency), String(o.requests), String(o.requestBytes)],
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
    server.closeAllConnections();
    server.close();
  }
}

async function clients(port: number, concurrency: number, requests: number, bodyBytes: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, rejectUnauthorized: false });
  const body = JSON.stringify({ kind: 'Pod', apiVersion: 'v1', pad: 'x'.repeat(Math.max(0, bodyBytes - 40)) });
  const post = (): Promise<void> => new Promise((resolve, reject) => {
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
  process.send?.({ seconds, cpu: cpu.stop() }, () => process.exit(0));
}

if (process.argv[2] === 'clients') {
  const [port, concurrency, requests, bytes] = process.argv.slice(3).map(Number);
  clients(port!, concurrency!, requests!, bytes!).catch((e: unknown) => { console.error(e); process.exit(1); });
}
