/**
 * What a node test may leave on the machine, found and removed: processes
 * that name the test's directory (containerd, shims) or live in a cgroup of
 * one of its containers, mounts below its directory, and its bridge.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** PIDs whose command line mentions `dir` or whose cgroup ends with one of `ids`. */
export function leftoverProcesses(dir: string, ids: Iterable<string>): number[] {
  const idList = [...ids];
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid) continue;
    const cmdline = read(`/proc/${pid}/cmdline`).split('\0').join(' ');
    const cgroup = read(`/proc/${pid}/cgroup`);
    if (cmdline.includes(dir) || idList.some((id) => cgroup.includes(id))) out.push(pid);
  }
  return out;
}

/** Mount points at or below `dir`, deepest first. */
export function leftoverMounts(dir: string): string[] {
  return read('/proc/self/mounts').split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((m): m is string => m !== undefined && (m === dir || m.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
}

/** Best effort: SIGKILL the processes, lazily unmount the mounts, delete the bridge. */
export function removeLeftovers(dir: string, ids: Iterable<string>, bridge: string): void {
  for (const pid of leftoverProcesses(dir, ids)) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  for (const m of leftoverMounts(dir)) {
    try { execFileSync('umount', ['-l', m], { stdio: 'ignore' }); } catch { /* not mounted any more */ }
  }
  try { execFileSync('ip', ['link', 'del', bridge], { stdio: 'ignore' }); } catch { /* never created */ }
}

/** Whether a network interface of this name exists. */
export function linkExists(name: string): boolean {
  try {
    readFileSync(`/sys/class/net/${name}/ifindex`);
    return true;
  } catch {
    return false;
  }
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
