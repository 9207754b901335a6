/**
 * What configMap, secret, downwardAPI and projected volumes share (upstream
 * wraps each in an emptyDir, then runs the AtomicWriter): the wrapped dir
 * (a tmpfs for secret, downwardAPI and projected volumes, whose
 * wrappedVolumeSpec is an emptyDir of medium Memory; configMap's is on
 * disk), the payload written atomically, and the pod's fsGroup applied
 * read-only whenever the files changed.
 */
import type { KeyToPath } from 'kubernetes-types/core/v1.js';
import { setUpDir } from './empty-dir.js';
import { podVolumeDir } from './paths.js';
import { writePayload, type Payload } from './atomic-writer.js';
import { fileModeWithFsGroup, setVolumeOwnership } from './volume-ownership.js';
import { fsGroupOf, type MountedVolume, type VolumeContext } from './volume-plugin.js';
import { VolumeSetUpError } from './volume-error.js';

/** Upstream's default for defaultMode (0644). */
export const DEFAULT_MODE = 0o644;

export async function setUpContentVolume(plugin: string, volumeName: string, payload: Payload, ctx: VolumeContext, opts: { memory: boolean }): Promise<MountedVolume> {
  const dir = podVolumeDir(ctx.rootDir, ctx.pod.metadata?.uid ?? '', plugin, volumeName);
  await setUpDir(dir, opts.memory ? ctx.allocatable.memory ?? 0 : undefined, ctx);
  const fsGroup = fsGroupOf(ctx.pod);
  const withModes: Payload = new Map([...payload].map(([p, f]) => [p, { ...f, mode: fileModeWithFsGroup(f.mode, fsGroup) }]));
  let changed: boolean;
  try {
    changed = writePayload(dir, withModes);
  } catch (e) {
    throw new VolumeSetUpError(volumeName, e instanceof Error ? e.message : String(e));
  }
  if (changed && fsGroup !== undefined) setVolumeOwnership(dir, fsGroup, true);
  return { path: dir, readOnly: true };
}

/** A mode field (0..0777) or the fallback; a bad one is the volume's error. */
export function modeOf(volumeName: string, mode: number | undefined, fallback: number): number {
  const m = mode ?? fallback;
  if (!Number.isInteger(m) || m < 0 || m > 0o777) throw new VolumeSetUpError(volumeName, `invalid mode ${m}: must be between 0 and 0777 (octal)`);
  return m;
}

/**
 * Upstream's MakePayload of configMap and secret volumes: every key when
 * there are no items, else the items (a missing key is `missingKey` unless
 * the source is optional). `data` maps key to content.
 */
export function keysPayload(volumeName: string, data: ReadonlyMap<string, Buffer>, items: readonly KeyToPath[] | undefined, defaultMode: number, optional: boolean, missingKey: string): Payload {
  const payload: Payload = new Map();
  if (!items || items.length === 0) {
    for (const [k, v] of data) payload.set(k, { data: v, mode: defaultMode });
    return payload;
  }
  for (const it of items) {
    const v = data.get(it.key);
    if (v === undefined) {
      if (optional) continue;
      throw new VolumeSetUpError(volumeName, `${missingKey}: ${it.key}`);
    }
    payload.set(it.path, { data: v, mode: modeOf(volumeName, it.mode, defaultMode) });
  }
  return payload;
}
