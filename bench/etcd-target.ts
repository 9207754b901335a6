/**
 * The etcd side of the create benchmark: finds an `etcd` binary on PATH
 * (Debian's etcd-server, 3.4), starts a single member on 127.0.0.1 with a
 * temp data dir and free ports, and waits until /health says true.
 * Never installs anything.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export const ETCD_INSTALL_HINT = 'install it with `apt-get install -y etcd-server` (Debian/Ubuntu) and run again';

/** The etcd binary on PATH, or undefined. */
export function findEtcd(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, 'etcd');
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/** `etcd --version`'s first line, e.g. "etcd Version: 3.4.23". */
export function etcdVersion(bin: string): string {
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 5000 }).split('\n')[0].trim();
  } catch {
    return 'etcd (version unknown)';
  }
}

export interface RunningEtcd {
  endpoint: string;
  pid: number;
  /** SIGTERM (SIGKILL after 5 s), wait for exit, remove the data dir. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function healthy(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(`${endpoint}/health`, { timeout: 1000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"health":"true"')));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Starts a single-member etcd on loopback; rejects if it is not healthy within `timeoutMs` (default 20 s). */
export async function startEtcd(bin: string, opts: { timeoutMs?: number } = {}): Promise<RunningEtcd> {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-bench-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child: ChildProcess = spawn(bin, [
    '--name', 'bench', '--data-dir', dataDir,
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `bench=${peer}`, '--initial-cluster-state', 'new',
    '--logger', 'zap', '--log-level', 'error',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let logs = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => { logs = (logs + d).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let dead = false;
  void exited.then(() => { dead = true; });

  const stop = async (): Promise<void> => {
    if (!dead) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = performance.now() + (opts.timeoutMs ?? 20_000);
  while (performance.now() < deadline && !dead) {
    if (await healthy(endpoint)) return { endpoint, pid: child.pid!, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`etcd did not become healthy${dead ? ' (it exited)' : ''}:\n${logs}`);
}
