/**
 * Runs kubectl without blocking the test process, for commands that wait
 * (kubectl wait) while something in this process (the fake cluster) must
 * keep acting.
 */
import { spawn } from 'node:child_process';
import type { Result } from '../harness/kubectl.js';

export function kubectlAsync(bin: string, kubeconfig: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(bin, ['--kubeconfig', kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}
