/**
 * Stopping a process by PID: SIGTERM, a grace period, SIGKILL, and waiting
 * until it is really gone (its PID no longer names a live process).
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** True while `pid` names a process that is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/**
 * Waits until `pid` is gone (or, for our own child, has exited). Resolves
 * false after `timeoutMs` if it is still there.
 */
export async function waitForExit(pid: number, timeoutMs: number, child?: ChildProcess): Promise<boolean> {
  if (child) {
    if (child.exitCode !== null || child.signalCode !== null) return true;
    return new Promise((resolve) => {
      const t = setTimeout(() => { child.off('exit', done); resolve(false); }, timeoutMs);
      function done(): void { clearTimeout(t); resolve(true); }
      child.once('exit', done);
    });
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function killAndWait(pid: number, graceMs: number, child?: ChildProcess): Promise<void> {
  if (!signal(pid, 'SIGTERM')) return;
  if (await waitForExit(pid, graceMs, child)) return;
  signal(pid, 'SIGKILL');
  await waitForExit(pid, 10_000, child);
}

function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}
