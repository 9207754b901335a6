/**
 * Runs a kubectl binary against a test server, with its own discovery cache.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Result { status: number | null; stdout: string; stderr: string }

export class Kubectl {
  private readonly cacheDir = mkdtempSync(join(tmpdir(), 'kubectl-cache-'));

  constructor(readonly bin: string, readonly kubeconfig: string) {}

  run(args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Result {
    const r = spawnSync(this.bin, ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, ...args], {
      input: opts.input, encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000,
      env: { ...process.env, KUBECTL_EXTERNAL_DIFF: '', ...opts.env },
    });
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  /** Runs and asserts success, returning stdout. */
  ok(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): string {
    const r = this.run(args, opts);
    if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
  }

  /** Starts a long-running kubectl (e.g. get -w) and collects its output. */
  start(args: string[]): { output(): string; stop(): Promise<void> } {
    const child = spawn(this.bin, ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { out += d; });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return { output: () => out, stop: async () => { child.kill('SIGTERM'); await exited; } };
  }
}

/** Polls until fn returns a truthy value or the time is up. */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
