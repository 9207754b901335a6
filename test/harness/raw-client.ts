/**
 * A plain HTTPS client that authenticates with a kubeconfig's embedded admin
 * certificate: for tests that look at exact bytes, codes and headers.
 */
import { request, Agent } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface RawResponse { status: number; headers: Record<string, string | string[] | undefined>; body: string }

interface Kubeconfig {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

export class RawClient {
  readonly server: string;
  private readonly agent: Agent;

  constructor(kubeconfigPath: string, opts: { anonymous?: boolean; maxSockets?: number } = {}) {
    const kc = parse(readFileSync(kubeconfigPath, 'utf8')) as Kubeconfig;
    const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
    this.server = kc.clusters[0].cluster.server;
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: opts.maxSockets ?? 256,
      ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
      ...(opts.anonymous ? {} : {
        cert: b64(kc.users[0].user['client-certificate-data']),
        key: b64(kc.users[0].user['client-key-data']),
      }),
    });
  }

  request(method: string, path: string, opts: { body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const req = request(this.server + path, { method, agent: this.agent, headers: {
        ...(opts.body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(opts.body)) } : {}), ...opts.headers,
      } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      if (opts.body !== undefined) req.end(opts.body); else req.end();
    });
  }

  /** A GET whose body is kept as bytes (for binary replies). */
  requestBuffer(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: RawResponse['headers']; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = request(this.server + path, { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  async json<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T; headers: RawResponse['headers'] }> {
    const r = await this.request(method, path, { body: body === undefined ? undefined : JSON.stringify(body), headers });
    return { status: r.status, body: (r.body ? JSON.parse(r.body) : undefined) as T, headers: r.headers };
  }

  /** Starts a request whose body is sent later by finish(), so the server holds it in flight meanwhile. */
  hold(method: string, path: string): { finish(body: string): Promise<RawResponse> } {
    let resolveRes!: (r: RawResponse) => void;
    let rejectRes!: (e: unknown) => void;
    const res = new Promise<RawResponse>((resolve, reject) => { resolveRes = resolve; rejectRes = reject; });
    const req = request(this.server + path, { method, agent: this.agent, headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => resolveRes({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', rejectRes);
    req.flushHeaders();
    return { finish: (body) => { req.end(body); return res; } };
  }

  /** Opens a watch and collects its events until stop(). */
  watch(path: string): { events: { type: string; object: Record<string, unknown> }[]; status: Promise<number>; stop(): void } {
    const events: { type: string; object: Record<string, unknown> }[] = [];
    let stop = (): void => undefined;
    const status = new Promise<number>((resolve, reject) => {
      const req = request(this.server + path, { method: 'GET', agent: this.agent }, (res) => {
        resolve(res.statusCode ?? 0);
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          buf += d;
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (line.trim()) events.push(JSON.parse(line) as { type: string; object: Record<string, unknown> });
          }
        });
        res.on('error', () => undefined);
      });
      req.on('error', (e) => { if (!stopped) reject(e); });
      let stopped = false;
      stop = () => { stopped = true; req.destroy(); };
      req.end();
    });
    return { events, status, stop: () => stop() };
  }

  close(): void { this.agent.destroy(); }
}
