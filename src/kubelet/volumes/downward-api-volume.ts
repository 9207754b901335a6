/**
 * downwardAPI volumes (upstream's pkg/volume/downwardapi): one file per
 * item, the pod field (labels and annotations as FormatMap lines) or a
 * container's resource, on a tmpfs (upstream's wrapped emptyDir is
 * medium Memory), rewritten when it changes.
 */
import type { DownwardAPIVolumeFile, Pod, Volume } from 'kubernetes-types/core/v1.js';
import { DownwardApiError, fieldRefValue, resourceFieldRefValue } from '../downward-api.js';
import { PLUGIN } from './paths.js';
import { VolumeSetUpError } from './volume-error.js';
import type { VolumeContext, VolumePlugin } from './volume-plugin.js';
import { DEFAULT_MODE, modeOf, setUpContentVolume } from './content-volume.js';
import type { Payload } from './atomic-writer.js';

export const downwardAPIPlugin = {
  name: PLUGIN.downwardAPI,
  canSupport: (v: Volume) => v.downwardAPI !== undefined,
  async setUp(v, ctx) {
    const src = v.downwardAPI!;
    const payload = downwardAPIPayload(v.name, ctx.pod, src.items ?? [], modeOf(v.name, src.defaultMode, DEFAULT_MODE), ctx);
    return setUpContentVolume(PLUGIN.downwardAPI, v.name, payload, ctx, { memory: true });
  },
} satisfies VolumePlugin;

export function downwardAPIPayload(volumeName: string, pod: Pod, items: readonly DownwardAPIVolumeFile[], defaultMode: number, ctx: Pick<VolumeContext, 'allocatable' | 'hostIPs'>): Payload {
  const payload: Payload = new Map();
  for (const it of items) {
    const mode = modeOf(volumeName, it.mode, defaultMode);
    let value: string;
    try {
      if (it.fieldRef) {
        value = fieldRefValue(pod, it.fieldRef.fieldPath, { podIPs: [], hostIPs: ctx.hostIPs });
      } else if (it.resourceFieldRef) {
        const name = it.resourceFieldRef.containerName;
        const container = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === name);
        if (!container) throw new DownwardApiError(`container ${JSON.stringify(name ?? '')} not found in the pod`);
        value = resourceFieldRefValue(container, it.resourceFieldRef, ctx.allocatable);
      } else {
        throw new DownwardApiError(`item ${JSON.stringify(it.path)} has neither fieldRef nor resourceFieldRef`);
      }
    } catch (e) {
      if (e instanceof DownwardApiError) throw new VolumeSetUpError(volumeName, e.message);
      throw e;
    }
    payload.set(it.path, { data: Buffer.from(value, 'utf8'), mode });
  }
  return payload;
}
