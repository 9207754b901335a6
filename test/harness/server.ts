/**
 * Starts a real `k8ts server` process for a test, on a free port with its own
 * data directory, and waits until it reports ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './clients.js';

export interface RunningServer {
  port: number;
  dataDir: string;
  kubeconfig: string;
  process: ChildProcess;
  /** Everything the server wrote to stderr so far. */
  logs(): string;
  /** SIGTERM and wait for exit; removes the data directory unless keepData. */
  stop(opts?: { keepData?: boolean }): Promise<number | null>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
}

export interface StartOptions {
  datastore?: 'sqlite' | 'memory';
  dataDir?: string;
  args?: string[];
  env?: Record<string, string>;
  /**
   * Run the server's own node (containerd, kubelet), as `k8ts server` does
   * by default as root; the tests that do not ask get --disable-agent.
   */
  agent?: boolean;
  /**
   * Run the cluster DNS (on a free port), as \`k8ts server\` does by default;
   * the tests that do not ask get \`--disable coredns\`, so that parallel
   * servers neither race for its port nor all carry a kube-dns Service.
   */
  clusterDns?: boolean;
  /** @default 20000 */
  timeoutMs?: number;
}

export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'k8ts-test-'));
  const args = [join(REPO_ROOT, 'bin', 'k8ts.js'), 'server', '--data-dir', dataDir, '--secure-port', '0',
    '--bind-address', '127.0.0.1', '--datastore', opts.datastore ?? 'sqlite', ...(opts.agent ? [] : ['--disable-agent']),
    ...(opts.clusterDns ? ['--cluster-dns-port', '0'] : ['--disable', 'coredns']),
    // The own node on the test machine itself: no flannel or kube-proxy, which would program its routes and iptables.
    ...(opts.agent ? ['--flannel-backend', 'none', '--disable-kube-proxy'] : []), ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, K8TS_LOG_LEVEL: 'info', ...opts.env },
  });
  let logs = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`k8ts server not ready in time:\n${logs}`)), opts.timeoutMs ?? 20000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      logs += chunk;
      for (const line of chunk.split('\n')) {
        if (!line.includes('k8ts server ready')) continue;
        try {
          const j = JSON.parse(line) as { port: number };
          clearTimeout(timer);
          resolve(j.port);
        } catch { /* not JSON */ }
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`k8ts server exited with ${code}:\n${logs}`)); });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    port, dataDir, kubeconfig: join(dataDir, 'kubeconfig.yaml'), process: child,
    logs: () => logs,
    async stop(o = {}) {
      child.kill('SIGTERM');
      const code = await exited;
      if (!o.keepData && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
