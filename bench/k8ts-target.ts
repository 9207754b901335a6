/**
 * The k8ts side of every benchmark: a fresh `k8ts server` with a `bench`
 * namespace, and a lean HTTPS client that authenticates with the admin
 * certificate of its kubeconfig. Connections are 127.0.0.1 only.
 */
import { Agent, request } from 'node:https';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startServer, type RunningServer, type StartOptions } from '../test/harness/server.js';

export const BENCH_NAMESPACE = 'bench';

/** Where and how to reach a server: everything an Agent and a request need. */
export interface Target {
  host: string;
  port: number;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

interface Kubeconfig {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

/** Reads server address and admin credentials from a kubeconfig written by `k8ts server`. */
export function loadTarget(kubeconfigPath: string): Target {
  const kc = parse(readFileSync(kubeconfigPath, 'utf8')) as Kubeconfig;
  const url = new URL(kc.clusters[0].cluster.server);
  const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
  return {
    host: url.hostname, port: Number(url.port),
    ca: b64(kc.clusters[0].cluster['certificate-authority-data']),
    cert: b64(kc.users[0].user['client-certificate-data']),
    key: b64(kc.users[0].user['client-key-data']),
  };
}

/**
 * A keep-alive agent; `maxSockets: 1` pins one client to one connection.
 * Session resumption stays on (it is what client-go does on reconnects).
 */
export function newAgent(t: Target, opts: { maxSockets: number }): Agent {
  return new Agent({ keepAlive: true, maxSockets: opts.maxSockets, maxFreeSockets: opts.maxSockets, ca: t.ca, cert: t.cert, key: t.key });
}

/** Sends one request and drains the answer; resolves with the status code and body text. `signal` aborts it (rejects). */
export function send(t: Target, agent: Agent, method: string, path: string, body?: string, signal?: AbortSignal): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: t.host, port: t.port, method, path, agent, ...(signal ? { signal } : {}),
      headers: body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A running server with its target, ready for bench traffic. */
export interface BenchServer {
  server: RunningServer;
  target: Target;
  stop(): Promise<void>;
}

/**
 * Starts a fresh server (its own temp data dir) and creates the `bench`
 * namespace. The caller must call stop(), which also removes the data dir.
 */
export async function startBenchServer(opts: Omit<StartOptions, 'dataDir'> = {}): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-bench-'));
  let server: RunningServer;
  try {
    server = await startWithRetry({ ...opts, dataDir });
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const target = loadTarget(server.kubeconfig);
  const agent = newAgent(target, { maxSockets: 1 });
  try {
    const ns = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: BENCH_NAMESPACE } });
    const r = await send(target, agent, 'POST', '/api/v1/namespaces', ns);
    if (r.status !== 201 && r.status !== 409) throw new Error(`creating namespace ${BENCH_NAMESPACE}: HTTP ${r.status} ${r.body}`);
  } catch (e) {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  } finally {
    agent.destroy();
  }
  return { server, target, stop: async () => { await server.stop(); rmSync(dataDir, { recursive: true, force: true }); } };
}

/**
 * startServer, retried once (a slow first start should not sink a whole run).
 * `opts.dataDir` is required: a server that failed to get ready is found by
 * it and killed, since the harness does not hand back a child it gave up on.
 */
async function startWithRetry(opts: StartOptions & { dataDir: string }): Promise<RunningServer> {
  let last: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return await startServer({ timeoutMs: 30_000, ...opts });
    } catch (e) {
      last = e;
      killServersUsing(opts.dataDir);
    }
  }
  throw new Error('k8ts server did not start (2 attempts)', { cause: last });
}

/** SIGKILLs (by pid) every process whose command line names `dataDir`: only servers this benchmark spawned do. */
export function killServersUsing(dataDir: string): void {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd.includes(dataDir) && cmd.includes('server')) process.kill(Number(pid), 'SIGKILL');
    } catch { /* gone or not ours */ }
  }
}
