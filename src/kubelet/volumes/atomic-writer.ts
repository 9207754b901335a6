/**
 * Upstream's AtomicWriter (pkg/volume/util/atomic_writer.go): the files of
 * configMap, secret, downwardAPI and projected volumes change all at once
 * for a reader in the container.
 *
 * Layout of the target dir:
 *   ..2026_12_07_18_40_00.123456789/   the current payload (real files)
 *   ..data -> ..2026_12_07_18_40_00.123456789
 *   key -> ..data/key                   one symlink per top-level name
 * A write whose payload equals the current one changes nothing. Otherwise
 * it writes a new timestamped dir, points `..data_tmp` at it and renames
 * that over `..data` (the atomic step), adds the visible symlinks of new
 * names, then removes the old dir and the names no longer in the payload.
 */
import { randomInt } from 'node:crypto';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const DATA_DIR_NAME = '..data';
export const DATA_DIR_TMP_NAME = '..data_tmp';

/** One file of a volume's payload. */
export interface FileProjection {
  data: Buffer;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  /** Owner uid (projected service account tokens with fsGroup). */
  fsUser?: number;
}

/** Relative path (no leading "..", no ".." element, not absolute) to its file. */
export type Payload = Map<string, FileProjection>;

/**
 * Writes `payload` into `targetDir` (which must exist). Returns whether the
 * files changed. Throws on an invalid path, naming it.
 */
export function writePayload(targetDir: string, payload: Payload, now: Date = new Date()): boolean {
  for (const p of payload.keys()) validatePath(p);
  const dataLink = join(targetDir, DATA_DIR_NAME);
  const oldTsName = readLink(dataLink);
  const oldTsDir = oldTsName ? join(targetDir, oldTsName) : undefined;
  const oldPaths = oldTsDir && existsSync(oldTsDir) ? listFiles(oldTsDir) : new Set<string>();
  if (oldTsDir && existsSync(oldTsDir) && samePayload(oldTsDir, oldPaths, payload)) return false;

  const tsName = timestampDirName(now);
  const tsDir = join(targetDir, tsName);
  mkdirSync(tsDir);
  chmodSync(tsDir, 0o755);
  for (const [p, f] of payload) {
    const file = join(tsDir, p);
    mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
    writeFileSync(file, f.data);
    chmodSync(file, f.mode);
    if (f.fsUser !== undefined) chownSync(file, f.fsUser, -1);
  }

  const tmpLink = join(targetDir, DATA_DIR_TMP_NAME);
  rmSync(tmpLink, { force: true });
  symlinkSync(tsName, tmpLink);
  renameSync(tmpLink, dataLink);

  const newTop = new Set([...payload.keys()].map(topName));
  for (const name of newTop) {
    const visible = join(targetDir, name);
    if (!lexists(visible)) symlinkSync(join(DATA_DIR_NAME, name), visible);
  }
  if (oldTsDir && oldTsName !== tsName) rmSync(oldTsDir, { recursive: true, force: true });
  for (const p of oldPaths) {
    const name = topName(p);
    if (!newTop.has(name)) rmSync(join(targetDir, name), { recursive: true, force: true });
  }
  return true;
}

/** Upstream's validatePath: relative, no ".." element, no leading "..". */
export function validatePath(p: string): void {
  if (!p) throw new Error('invalid path: must not be empty');
  if (p.startsWith('/')) throw new Error(`invalid path ${JSON.stringify(p)}: must be relative path`);
  if (p.length > 4096) throw new Error(`invalid path ${JSON.stringify(p)}: must be less than or equal to 4096 characters`);
  if (p.split('/').includes('..')) throw new Error(`invalid path ${JSON.stringify(p)}: must not contain '..'`);
  if (p.startsWith('..')) throw new Error(`invalid path ${JSON.stringify(p)}: must not start with '..'`);
}

/** `..2006_01_02_15_04_05.<random digits>`, UTC, as Go's MkdirTemp names it. */
export function timestampDirName(now: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}`;
  return `..${stamp}.${randomInt(1, 2 ** 32 - 1)}`;
}

function topName(p: string): string {
  return p.split('/')[0]!;
}

function samePayload(tsDir: string, oldPaths: Set<string>, payload: Payload): boolean {
  if (oldPaths.size !== payload.size) return false;
  for (const [p, f] of payload) {
    if (!oldPaths.has(p)) return false;
    const file = join(tsDir, p);
    const st = statSync(file);
    if ((st.mode & 0o7777) !== f.mode || (f.fsUser !== undefined && st.uid !== f.fsUser)) return false;
    if (!readFileSync(file).equals(f.data)) return false;
  }
  return true;
}

function listFiles(dir: string, prefix = ''): Set<string> {
  const out = new Set<string>();
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) for (const f of listFiles(dir, rel)) out.add(f);
    else out.add(rel);
  }
  return out;
}

function readLink(p: string): string | undefined {
  try {
    return readlinkSync(p);
  } catch {
    return undefined;
  }
}

function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

