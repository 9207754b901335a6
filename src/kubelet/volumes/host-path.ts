/**
 * hostPath (upstream's pkg/volume/hostpath): the node's path itself, after
 * the check its type asks for (checkTypeInternal in host_path.go, whose
 * error texts these are). DirectoryOrCreate makes the dir (0755),
 * FileOrCreate the file (0644); '' checks nothing.
 */
import { closeSync, openSync, statSync, mkdirSync, type Stats } from 'node:fs';
import type { Volume } from 'kubernetes-types/core/v1.js';
import { PLUGIN } from './paths.js';
import { VolumeSetUpError } from './volume-error.js';
import type { MountedVolume, VolumePlugin } from './volume-plugin.js';

export const hostPathPlugin = {
  name: PLUGIN.hostPath,
  canSupport: (v: Volume) => v.hostPath !== undefined,
  setUp(v: Volume): Promise<MountedVolume> {
    const path = v.hostPath?.path ?? '';
    try {
      checkHostPathType(path, v.hostPath?.type ?? '');
    } catch (e) {
      return Promise.reject(new VolumeSetUpError(v.name, e instanceof Error ? e.message : String(e)));
    }
    return Promise.resolve({ path, readOnly: false });
  },
} satisfies VolumePlugin;

/** Throws upstream's error when `path` is not what `type` says; creates it for the *OrCreate types. */
export function checkHostPathType(path: string, type: string): void {
  if (!path.startsWith('/')) throw new Error(`hostPath ${JSON.stringify(path)} is not an absolute path`);
  const st = stat(path);
  switch (type) {
    case '': return;
    case 'DirectoryOrCreate':
    case 'Directory':
      if (!st && type === 'DirectoryOrCreate') {
        mkdirSync(path, { recursive: true, mode: 0o755 });
        return;
      }
      if (!st?.isDirectory()) throw new Error(`hostPath type check failed: ${path} is not a directory`);
      return;
    case 'FileOrCreate':
    case 'File':
      if (!st && type === 'FileOrCreate') {
        closeSync(openSync(path, 'a', 0o644));
        return;
      }
      if (!st?.isFile()) throw new Error(`hostPath type check failed: ${path} is not a file`);
      return;
    case 'Socket':
      if (!st?.isSocket()) throw new Error(`hostPath type check failed: ${path} is not a socket file`);
      return;
    case 'CharDevice':
      if (!st?.isCharacterDevice()) throw new Error(`hostPath type check failed: ${path} is not a character device`);
      return;
    case 'BlockDevice':
      if (!st?.isBlockDevice()) throw new Error(`hostPath type check failed: ${path} is not a block device`);
      return;
    default:
      throw new Error(`${type} is an invalid volume type`);
  }
}

function stat(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
