/**
 * configMap volumes (upstream's pkg/volume/configmap): the ConfigMap's data
 * and binaryData as files, read again on every sync so that a change shows
 * up in running containers. A missing ConfigMap is the pod's FailedMount
 * (`configmap "y" not found`) unless optional, which gives an empty volume.
 */
import type { ConfigMap, Volume } from 'kubernetes-types/core/v1.js';
import { PLUGIN } from './paths.js';
import { notFound, VolumeSetUpError } from './volume-error.js';
import type { VolumePlugin } from './volume-plugin.js';
import { DEFAULT_MODE, keysPayload, modeOf, setUpContentVolume } from './content-volume.js';
import type { Payload } from './atomic-writer.js';
import type { KeyToPath } from 'kubernetes-types/core/v1.js';

export const configMapPlugin = {
  name: PLUGIN.configMap,
  canSupport: (v: Volume) => v.configMap !== undefined,
  async setUp(v, ctx) {
    const src = v.configMap!;
    const name = src.name ?? '';
    const cm = await ctx.podObjects.configMap(ctx.pod.metadata?.namespace ?? 'default', name);
    if (!cm && !src.optional) throw new VolumeSetUpError(v.name, notFound('configmap', name));
    const payload = configMapPayload(v.name, cm, src.items, modeOf(v.name, src.defaultMode, DEFAULT_MODE), src.optional ?? false);
    return setUpContentVolume(PLUGIN.configMap, v.name, payload, ctx, { memory: false });
  },
} satisfies VolumePlugin;

/** `cm` undefined: the optional ConfigMap is missing. */
export function configMapPayload(volumeName: string, cm: ConfigMap | undefined, items: readonly KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  return keysPayload(volumeName, configMapData(cm), items, defaultMode, optional, 'configmap references non-existent config key');
}

export function configMapData(cm: ConfigMap | undefined): Map<string, Buffer> {
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm?.data ?? {})) data.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm?.binaryData ?? {})) data.set(k, Buffer.from(v, 'base64'));
  return data;
}
