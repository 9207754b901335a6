/**
 * One rotation of one container log file, upstream's rotateLog in
 * pkg/kubelet/logs/container_log_manager.go, step for step:
 * 1. remove leftovers: `*.tmp` files of an interrupted compression, and
 *    uncompressed rotated files that also exist as `.gz`;
 * 2. remove the oldest rotated files so that at most maxFiles-2 remain;
 * 3. gzip the rotated files not yet compressed (into `.tmp`, renamed to
 *    `.gz`, then the original removed);
 * 4. rename the live file to `<log>.<YYYYMMDD-hhmmss>` and have the runtime
 *    reopen the log path; if that fails, rename the file back.
 * After it: the new live file, one uncompressed rotated file and at most
 * maxFiles-2 compressed ones, maxFiles in all.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export const COMPRESS_SUFFIX = '.gz';
export const TMP_SUFFIX = '.tmp';

/** Go's layout 20060102-150405, in local time as Go's time.Now().Format gives it. */
export function rotationTimestamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** The rotated files of `log` (`<log>.*`), sorted by name, i.e. oldest first. */
export async function rotatedLogs(log: string): Promise<string[]> {
  const prefix = `${basename(log)}.`;
  const names = await readdir(dirname(log)).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(prefix)).sort().map((n) => join(dirname(log), n));
}

export interface RotateLogOptions {
  maxFiles: number;
  now: Date;
  /** The runtime's ReopenContainerLog for this container. */
  reopen: () => Promise<void>;
}

export async function rotateLog(log: string, opts: RotateLogOptions): Promise<void> {
  let logs = await rotatedLogs(log);
  logs = await cleanupUnusedLogs(logs);
  logs = await removeExcessLogs(logs, opts.maxFiles - 2);
  for (const l of logs) if (!l.endsWith(COMPRESS_SUFFIX)) await compressLog(l);
  const rotated = `${log}.${rotationTimestamp(opts.now)}`;
  await rename(log, rotated);
  try {
    await opts.reopen();
  } catch (e) {
    await rename(rotated, log).catch(() => undefined);
    throw e;
  }
}

async function cleanupUnusedLogs(logs: string[]): Promise<string[]> {
  const set = new Set(logs);
  const unused = logs.filter((l) => l.endsWith(TMP_SUFFIX) || (!l.endsWith(COMPRESS_SUFFIX) && set.has(l + COMPRESS_SUFFIX)));
  await Promise.all(unused.map((l) => rm(l, { force: true })));
  return logs.filter((l) => !unused.includes(l));
}

async function removeExcessLogs(logs: string[], maxRotated: number): Promise<string[]> {
  const excess = Math.max(0, logs.length - Math.max(0, maxRotated));
  await Promise.all(logs.slice(0, excess).map((l) => rm(l, { force: true })));
  return logs.slice(excess);
}

async function compressLog(log: string): Promise<void> {
  const tmp = log + TMP_SUFFIX;
  await pipeline(createReadStream(log), createGzip(), createWriteStream(tmp, { mode: 0o644 }));
  await rename(tmp, log + COMPRESS_SUFFIX);
  await rm(log, { force: true });
}
