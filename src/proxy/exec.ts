/**
 * Runs the proxy's helper binaries (iptables, sysctl, conntrack), each
 * behind an optional command prefix such as ['ip', 'netns', 'exec', NS],
 * so tests and benches can act inside a network namespace.
 */
import { spawn } from 'node:child_process';

export interface CommandResult { code: number; stdout: string; stderr: string }

export interface Runner {
  /** Runs argv (after the prefix); resolves with the exit code, never rejects for a non-zero exit. Rejects when it cannot start or times out. */
  run(argv: readonly string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<CommandResult>;
  readonly prefix: readonly string[];
}

export function commandRunner(prefix: readonly string[] = []): Runner {
  return {
    prefix,
    run(argv, opts = {}) {
      const full = [...prefix, ...argv];
      return new Promise((resolve, reject) => {
        const child = spawn(full[0]!, full.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${full.join(' ')}: timed out after ${opts.timeoutMs ?? 60_000} ms`)); },
          opts.timeoutMs ?? 60_000);
        child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
        child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
        child.once('error', (err) => { clearTimeout(timer); reject(new Error(`${full[0]}: ${err.message}`, { cause: err })); });
        child.once('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
        child.stdin.on('error', () => undefined);
        child.stdin.end(opts.stdin ?? '');
      });
    },
  };
}
