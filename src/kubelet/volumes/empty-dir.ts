/**
 * emptyDir (upstream's pkg/volume/emptydir): a dir under the pod dir, mode
 * 0777, that lives as long as the pod. Medium "Memory" is a tmpfs whose
 * size is sizeLimit, else the node's allocatable memory (upstream's
 * SizeMemoryBackedVolumes). The pod's fsGroup owns it (SetVolumeOwnership,
 * read-write). Set up once; later syncs find it ready.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import type { Volume } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../api/validation/quantity.js';
import { podVolumeDir, PLUGIN } from './paths.js';
import { VolumeSetUpError } from './volume-error.js';
import { fsGroupOf, type MountedVolume, type VolumeContext, type VolumePlugin } from './volume-plugin.js';
import { setVolumeOwnership } from './volume-ownership.js';

const PERM = 0o777;

export const emptyDirPlugin = {
  name: PLUGIN.emptyDir,
  canSupport: (v) => v.emptyDir !== undefined,
  async setUp(v, ctx) {
    const medium = v.emptyDir?.medium ?? '';
    if (medium !== '' && medium !== 'Memory') throw new VolumeSetUpError(v.name, `emptyDir medium ${JSON.stringify(medium)} is not supported`);
    const dir = podVolumeDir(ctx.rootDir, ctx.pod.metadata?.uid ?? '', PLUGIN.emptyDir, v.name);
    let size: number | undefined;
    if (medium === 'Memory') {
      const limit = v.emptyDir?.sizeLimit === undefined ? undefined : parseQuantity(String(v.emptyDir.sizeLimit))?.value;
      if (v.emptyDir?.sizeLimit !== undefined && limit === undefined) throw new VolumeSetUpError(v.name, `invalid sizeLimit ${JSON.stringify(v.emptyDir.sizeLimit)}`);
      size = limit && limit > 0 ? limit : ctx.allocatable.memory ?? 0;
    }
    const fresh = await setUpDir(dir, size, ctx);
    if (fresh) {
      const fsGroup = fsGroupOf(ctx.pod);
      if (fsGroup !== undefined) setVolumeOwnership(dir, fsGroup, false);
    }
    return { path: dir, readOnly: false } satisfies MountedVolume;
  },
} satisfies VolumePlugin;

/**
 * Makes `dir` (mode 0777), on a tmpfs of `tmpfsSize` bytes when given.
 * Resolves true when it was not ready before. Also the wrapped emptyDir of
 * configMap, secret, downwardAPI and projected volumes.
 */
export async function setUpDir(dir: string, tmpfsSize: number | undefined, ctx: Pick<VolumeContext, 'mounter'>): Promise<boolean> {
  let fresh = false;
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    fresh = true;
  }
  if (tmpfsSize !== undefined && !ctx.mounter.mountPointsUnder(dir).includes(dir)) {
    await ctx.mounter.mountTmpfs(dir, tmpfsSize);
    fresh = true;
  }
  if (fresh) chmodSync(dir, PERM);
  return fresh;
}
