/**
 * The exec probe (upstream's pkg/probe/exec with the kubelet's CRI
 * ExecSync): the command runs in the container with the probe's timeout;
 * exit 0 passes, any other exit fails with the command's output, and a
 * timeout fails (the ExecProbeTimeout behaviour, on by default since 1.20).
 */
import type { RuntimeService } from '../runtime/cri/services.js';
import type { ProbeOutcome } from './outcome.js';

/** Upstream's maxReadLength for probe output (10 KiB). */
const MAX_OUTPUT = 10 * 1024;

export async function execProbe(runtime: RuntimeService, containerId: string, command: string[], timeoutSeconds: number): Promise<ProbeOutcome> {
  if (command.length === 0) throw new Error('exec probe has no command');
  let res;
  try {
    res = await runtime.execSync(containerId, command, timeoutSeconds);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const text = err instanceof Error ? err.message : String(err);
    // containerd ends a command past its timeout with an error naming the
    // timeout; the call's own deadline (DEADLINE_EXCEEDED = 4) means the same.
    if (code === 4 || /timeout|timed out|deadline exceeded/i.test(text)) {
      return { result: 'Failure', output: `command ${JSON.stringify(command.join(' '))} timed out` };
    }
    throw err;
  }
  const output = Buffer.concat([Buffer.from(res.stdout ?? []), Buffer.from(res.stderr ?? [])]).subarray(0, MAX_OUTPUT).toString('utf8');
  return { result: res.exitCode === 0 ? 'Success' : 'Failure', output };
}
