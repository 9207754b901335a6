/**
 * The mount(8) calls volumes need: tmpfs for memory-backed emptyDirs and
 * secrets, bind mounts for persistent volumes, and unmounting at teardown
 * (upstream's k8s.io/mount-utils). Mount points are read from
 * /proc/self/mountinfo.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Contract: every method rejects with mount(8)'s own message on failure. */
export interface Mounter {
  /** Mounts a tmpfs of `sizeBytes` at `dir` (an existing directory). */
  mountTmpfs(dir: string, sizeBytes: number): Promise<void>;
  /** Bind-mounts `source` at `target`, read-only when asked. */
  bind(source: string, target: string, readOnly: boolean): Promise<void>;
  unmount(dir: string): Promise<void>;
  /** Mount points at or below `dir`, deepest first. */
  mountPointsUnder(dir: string): string[];
}

export class SystemMounter implements Mounter {
  async mountTmpfs(dir: string, sizeBytes: number): Promise<void> {
    await mount(['-t', 'tmpfs', '-o', `size=${Math.max(1, Math.floor(sizeBytes))}`, 'tmpfs', dir]);
  }

  async bind(source: string, target: string, readOnly: boolean): Promise<void> {
    await mount(['--bind', source, target]);
    if (readOnly) await mount(['-o', 'remount,bind,ro', target]);
  }

  async unmount(dir: string): Promise<void> {
    try {
      await run('umount', [dir]);
    } catch (e) {
      throw new Error(`unmount ${dir}: ${stderrOf(e)}`);
    }
  }

  mountPointsUnder(dir: string): string[] {
    return mountPointsUnder(dir);
  }
}

/** Mount points at or below `dir` in /proc/self/mountinfo, deepest first. */
export function mountPointsUnder(dir: string): string[] {
  const root = dir.replace(/\/+$/, '');
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => m !== undefined)
    .map((m) => m.replace(/\\([0-7]{3})/g, (_s, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((m) => m === root || m.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
}

async function mount(args: string[]): Promise<void> {
  try {
    await run('mount', args);
  } catch (e) {
    throw new Error(`mount ${args.join(' ')}: ${stderrOf(e)}`);
  }
}

function stderrOf(e: unknown): string {
  const err = e as { stderr?: unknown; message?: string };
  return (typeof err.stderr === 'string' && err.stderr.trim()) || (err.message ?? String(e));
}
