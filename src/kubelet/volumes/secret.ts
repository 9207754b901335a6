/**
 * secret volumes (upstream's pkg/volume/secret): the Secret's data
 * (base64 in the API) as files on a tmpfs, so they never reach the node's
 * disk. A missing Secret is `secret "y" not found` unless optional.
 */
import type { KeyToPath, Secret, Volume } from 'kubernetes-types/core/v1.js';
import { PLUGIN } from './paths.js';
import { notFound, VolumeSetUpError } from './volume-error.js';
import type { VolumePlugin } from './volume-plugin.js';
import { DEFAULT_MODE, keysPayload, modeOf, setUpContentVolume } from './content-volume.js';
import type { Payload } from './atomic-writer.js';

export const secretPlugin = {
  name: PLUGIN.secret,
  canSupport: (v: Volume) => v.secret !== undefined,
  async setUp(v, ctx) {
    const src = v.secret!;
    const name = src.secretName ?? '';
    const secret = await ctx.podObjects.secret(ctx.pod.metadata?.namespace ?? 'default', name);
    if (!secret && !src.optional) throw new VolumeSetUpError(v.name, notFound('secret', name));
    const payload = secretPayload(v.name, secret, src.items, modeOf(v.name, src.defaultMode, DEFAULT_MODE), src.optional ?? false);
    return setUpContentVolume(PLUGIN.secret, v.name, payload, ctx, { memory: true });
  },
} satisfies VolumePlugin;

export function secretPayload(volumeName: string, secret: Secret | undefined, items: readonly KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  return keysPayload(volumeName, secretData(secret), items, defaultMode, optional, 'secret references non-existent secret key');
}

export function secretData(secret: Secret | undefined): Map<string, Buffer> {
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(secret?.data ?? {})) data.set(k, Buffer.from(v, 'base64'));
  return data;
}
