/** Reads and writes a sysctl (`net/ipv4/conf/all/route_localnet` form) in the runner's network namespace. */
import type { Runner } from './exec.js';

const dotted = (name: string): string => name.replaceAll('/', '.');

/** The value, or undefined when it cannot be read (no such key, no sysctl binary). */
export async function getSysctl(runner: Runner, name: string): Promise<string | undefined> {
  try {
    const r = await runner.run(['sysctl', '-n', dotted(name)], { timeoutMs: 10_000 });
    return r.code === 0 ? r.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** Sets `name` to `value` unless it already has it; rejects with sysctl's message when it cannot be written. */
export async function ensureSysctl(runner: Runner, name: string, value: string): Promise<void> {
  if ((await getSysctl(runner, name)) === value) return;
  const r = await runner.run(['sysctl', '-w', `${dotted(name)}=${value}`], { timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`cannot set sysctl ${name}=${value}: ${r.stderr.trim() || `exit ${r.code}`}`);
}
