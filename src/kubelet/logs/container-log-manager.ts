/**
 * The container log manager (upstream pkg/kubelet/logs/container_log_manager.go):
 * every monitor interval it rotates the log of each running container
 * that reached maxBytes (see rotate-log.ts), asks the runtime to reopen a
 * live log that went missing, and keeps the /var/log/containers symlinks:
 * one per container the runtime has, made when first seen, and dangling
 * ones that point into this kubelet's pod logs removed. Errors of one
 * container are logged and do not stop the others.
 */
import { lstat, mkdir, readdir, readlink, rm, stat, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../../api/log.js';
import type { RuntimeService } from '../runtime/cri/services.js';
import type { Container } from '../runtime/cri/types.js';
import { CONTAINER_NAME_LABEL, POD_NAMESPACE_LABEL, POD_NAME_LABEL } from '../pod-workers/labels.js';
import { containerIdOfSymlink, logSymlinkPath } from './log-symlink.js';
import { rotateLog, rotatedLogs } from './rotate-log.js';

/** Upstream's containerLogMaxSize default, 10Mi. */
export const DEFAULT_CONTAINER_LOG_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_CONTAINER_LOG_MAX_FILES = 5;
export const DEFAULT_CONTAINER_LOG_MONITOR_INTERVAL_MS = 10_000;

export type LogRuntime = Pick<RuntimeService, 'listContainers' | 'containerStatus' | 'reopenContainerLog'>;

export interface ContainerLogManagerOptions {
  runtime: LogRuntime;
  logger?: Logger;
  /** @default DEFAULT_CONTAINER_LOG_MAX_BYTES */
  maxBytes?: number;
  /** Files kept per container, the live one included; at least 2. @default 5 */
  maxFiles?: number;
  /** @default 10000 */
  monitorIntervalMs?: number;
  /** Where the `<pod>_<ns>_<container>-<id>.log` links go; none when undefined. */
  containerLogsDir?: string;
  /** The pod logs root (--pod-logs-dir): only dangling links into it are removed. */
  podLogsDir?: string;
  /** @default () => new Date() */
  now?: () => Date;
}

export class ContainerLogManager {
  readonly maxBytes: number;
  readonly maxFiles: number;
  private readonly logPaths = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  /** Throws on a policy upstream refuses (maxBytes <= 0, maxFiles < 2). */
  constructor(private readonly o: ContainerLogManagerOptions) {
    this.maxBytes = o.maxBytes ?? DEFAULT_CONTAINER_LOG_MAX_BYTES;
    this.maxFiles = o.maxFiles ?? DEFAULT_CONTAINER_LOG_MAX_FILES;
    if (!(this.maxBytes > 0)) throw new Error(`invalid container log max size ${this.maxBytes}: must be positive`);
    if (!Number.isInteger(this.maxFiles) || this.maxFiles < 2) throw new Error(`invalid container log max files ${this.maxFiles}: must be an integer of at least 2`);
  }

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      this.running = this.rotateLogs()
        .catch((e: unknown) => this.o.logger?.warn({ err: errText(e) }, 'container log rotation failed'))
        .finally(() => { if (!this.stopped) this.timer = setTimeout(tick, this.o.monitorIntervalMs ?? DEFAULT_CONTAINER_LOG_MONITOR_INTERVAL_MS); });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.o.runtime.listContainers()
      .then((cs) => this.removeStaleSymlinks(new Set(cs.map((c) => c.id))))
      .catch((e: unknown) => this.o.logger?.warn({ err: errText(e) }, 'container log symlink cleanup failed'));
  }

  /** One pass over the runtime's containers: rotation, then symlinks. */
  async rotateLogs(): Promise<void> {
    const containers = await this.o.runtime.listContainers();
    const ids = new Set(containers.map((c) => c.id));
    for (const id of this.logPaths.keys()) if (!ids.has(id)) this.logPaths.delete(id);
    for (const c of containers) {
      try {
        const log = await this.logPathOf(c.id);
        if (!log) continue;
        if (c.state === 'CONTAINER_RUNNING') await this.rotateIfNeeded(c.id, log);
        await this.ensureSymlink(c, log);
      } catch (e) {
        this.o.logger?.warn({ containerId: c.id, err: errText(e) }, 'container log maintenance failed');
      }
    }
    await this.removeStaleSymlinks(ids);
  }

  /**
   * Removes the rotated files of a container (`<log>.*`), as upstream's
   * Clean does before the container is removed; the live file and the
   * symlink are the caller's (removeContainerLogs).
   */
  async clean(containerId: string): Promise<void> {
    const log = await this.logPathOf(containerId);
    if (!log) return;
    await Promise.all((await rotatedLogs(log)).map((l) => rm(l, { force: true })));
  }

  /** The absolute path of the container's live log, '' when it has none; cached (it never changes). */
  async logPathOf(containerId: string): Promise<string> {
    const known = this.logPaths.get(containerId);
    if (known !== undefined) return known;
    const path = (await this.o.runtime.containerStatus(containerId)).status?.logPath ?? '';
    this.logPaths.set(containerId, path);
    return path;
  }

  /** The symlink of a container, or undefined without a containerLogsDir or the kubelet's labels. */
  symlinkOf(c: Pick<Container, 'id' | 'labels'>): string | undefined {
    const pod = c.labels[POD_NAME_LABEL];
    const ns = c.labels[POD_NAMESPACE_LABEL];
    const name = c.labels[CONTAINER_NAME_LABEL];
    if (!this.o.containerLogsDir || !pod || !ns || !name) return undefined;
    return logSymlinkPath(this.o.containerLogsDir, pod, ns, name, c.id);
  }

  private async rotateIfNeeded(id: string, log: string): Promise<void> {
    let size: number;
    try {
      size = (await stat(log)).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      // Upstream: a live log that disappeared (rotated but not reopened) is reopened.
      await this.o.runtime.reopenContainerLog(id);
      return;
    }
    if (size < this.maxBytes) return;
    await rotateLog(log, { maxFiles: this.maxFiles, now: (this.o.now ?? (() => new Date()))(), reopen: () => this.o.runtime.reopenContainerLog(id) });
    this.o.logger?.info({ containerId: id, log, bytes: size }, 'container log rotated');
  }

  private async ensureSymlink(c: Container, log: string): Promise<void> {
    const link = this.symlinkOf(c);
    if (!link) return;
    if (await lstat(link).then(() => true, () => false)) return;
    await mkdir(this.o.containerLogsDir!, { recursive: true, mode: 0o755 });
    await symlink(log, link).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
  }

  /** Removes the links into this kubelet's pod logs whose container is not in `ids`. */
  private async removeStaleSymlinks(ids: Set<string>): Promise<void> {
    const dir = this.o.containerLogsDir;
    if (!dir || !this.o.podLogsDir) return;
    const root = resolve(this.o.podLogsDir) + '/';
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const id = containerIdOfSymlink(name);
      if (!id || ids.has(id)) continue;
      const link = join(dir, name);
      if (!(await readlink(link).catch(() => '')).startsWith(root)) continue;
      await rm(link, { force: true });
    }
  }
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
