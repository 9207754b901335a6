/**
 * Termination messages (upstream's makeMounts and getTerminationMessage in
 * pkg/kubelet/kuberuntime/kuberuntime_container.go): the kubelet mounts a
 * fresh host file at the container's terminationMessagePath; once the
 * container has exited, what the file holds (or, with
 * FallbackToLogsOnError after a failure and an empty file, the tail of its
 * log) is added to the status message.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerStatus, Mount } from '../runtime/cri/types.js';
import { TERMINATION_MESSAGE_PATH_ANNOTATION, TERMINATION_MESSAGE_POLICY_ANNOTATION } from '../pod-workers/labels.js';

/** Upstream's MaxContainerTerminationMessageLength. */
export const MAX_TERMINATION_MESSAGE_LENGTH = 4096;
/** Upstream's MaxContainerTerminationMessageLogLength and ...LogLines. */
export const MAX_TERMINATION_MESSAGE_LOG_LENGTH = 2048;
export const MAX_TERMINATION_MESSAGE_LOG_LINES = 80;

/** `<rootDir>/pods/<uid>/containers/<name>`: the container's own kubelet dir. */
export function podContainerDir(rootDir: string, pod: Pod, container: Container): string {
  return join(rootDir, 'pods', pod.metadata?.uid ?? '', 'containers', container.name);
}

/**
 * The termination-log mount of one container instance: a new host file
 * `<podContainerDir>/<8 hex digits>` at terminationMessagePath; undefined
 * when the path is empty. The file is made by createTerminationMessageFile.
 */
export function terminationMessageMount(rootDir: string, pod: Pod, container: Container): Mount | undefined {
  const path = container.terminationMessagePath ?? '/dev/termination-log';
  if (!path) return undefined;
  return { hostPath: join(podContainerDir(rootDir, pod, container), randomBytes(4).toString('hex')), containerPath: path };
}

/** Creates the mount's host file, empty and mode 0666 whatever the umask, and its dir (0750). */
export async function createTerminationMessageFile(mount: Mount): Promise<void> {
  await mkdir(join(mount.hostPath, '..'), { recursive: true, mode: 0o750 });
  await writeFile(mount.hostPath, '', { flag: 'w' });
  await chmod(mount.hostPath, 0o666);
}

/** The last `max` bytes of a file. */
async function readAtMost(path: string, max: number): Promise<Buffer> {
  const f = await open(path, 'r');
  try {
    const { size } = await f.stat();
    const len = Math.min(size, max);
    const buf = Buffer.alloc(len);
    await f.read(buf, 0, len, size - len);
    return buf;
  } finally {
    await f.close();
  }
}

/**
 * The last 80 lines of a CRI log file (`<time> <stream> <tag> <message>`,
 * partial `P` lines joined), at most the last 2048 bytes of them.
 */
export async function lastLogLines(logPath: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(logPath, 'utf8');
  } catch {
    return '';
  }
  const lines: string[] = [];
  let partial = '';
  for (const raw of text.split('\n')) {
    const parts = raw.split(' ');
    if (parts.length < 3) continue;
    const msg = parts.slice(3).join(' ');
    if (parts[2]!.split(':')[0] === 'P') { partial += msg; continue; }
    lines.push(`${partial}${msg}\n`);
    partial = '';
  }
  const tail = Buffer.from(lines.slice(-MAX_TERMINATION_MESSAGE_LOG_LINES).join(''));
  return tail.subarray(Math.max(0, tail.length - MAX_TERMINATION_MESSAGE_LOG_LENGTH)).toString('utf8');
}

/**
 * The termination message of an exited container from its CRI status:
 * the host file mounted at the terminationMessagePath annotation (its last
 * 4096 bytes), or with FallbackToLogsOnError, a non-zero exit and nothing
 * in the file, the tail of the log. '' for a container not exited.
 */
export async function terminationMessageOf(status: ContainerStatus): Promise<string> {
  if (status.state !== 'CONTAINER_EXITED') return '';
  const annotations = status.annotations ?? {};
  const path = annotations[TERMINATION_MESSAGE_PATH_ANNOTATION] ?? '';
  const fallbackToLogs = annotations[TERMINATION_MESSAGE_POLICY_ANNOTATION] === 'FallbackToLogsOnError'
    && status.exitCode !== 0 && status.reason !== 'ContainerCannotRun';
  const mount = path ? (status.mounts ?? []).find((m) => m.containerPath === path) : undefined;
  let message = '';
  if (mount) {
    try {
      message = (await readAtMost(mount.hostPath, MAX_TERMINATION_MESSAGE_LENGTH)).toString('utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return `Error on reading termination log ${mount.hostPath}: ${(e as Error).message}`;
    }
  }
  if (!message && fallbackToLogs && status.logPath) message = await lastLogLines(status.logPath);
  return message;
}

/** The status with its termination message appended to the runtime's message (`<runtime>: <termination>`). */
export async function withTerminationMessage<T extends ContainerStatus>(status: T): Promise<T> {
  const t = await terminationMessageOf(status);
  if (!t) return status;
  return { ...status, message: status.message ? `${status.message}: ${t}` : t };
}
