/**
 * projected volumes (upstream's pkg/volume/projected): configMap, secret,
 * downwardAPI and serviceAccountToken sources merged into one dir, on a
 * tmpfs as upstream's. Each source's errors are upstream's; the first
 * failing source fails the volume.
 */
import type { Volume } from 'kubernetes-types/core/v1.js';
import { PLUGIN } from './paths.js';
import { notFound, VolumeSetUpError } from './volume-error.js';
import type { VolumeContext, VolumePlugin } from './volume-plugin.js';
import { DEFAULT_MODE, modeOf, setUpContentVolume } from './content-volume.js';
import type { Payload } from './atomic-writer.js';
import { configMapPayload } from './config-map.js';
import { secretPayload } from './secret.js';
import { downwardAPIPayload } from './downward-api-volume.js';
import { requestServiceAccountToken } from './service-account-token.js';

export const projectedPlugin = {
  name: PLUGIN.projected,
  canSupport: (v: Volume) => v.projected !== undefined,
  async setUp(v, ctx) {
    const payload = await projectedPayload(v, ctx);
    return setUpContentVolume(PLUGIN.projected, v.name, payload, ctx, { memory: true });
  },
} satisfies VolumePlugin;

export async function projectedPayload(v: Volume, ctx: VolumeContext): Promise<Payload> {
  const defaultMode = modeOf(v.name, v.projected?.defaultMode, DEFAULT_MODE);
  const ns = ctx.pod.metadata?.namespace ?? 'default';
  const payload: Payload = new Map();
  const add = (p: Payload): void => { for (const [k, f] of p) payload.set(k, f); };
  for (const s of v.projected?.sources ?? []) {
    if (s.configMap) {
      const name = s.configMap.name ?? '';
      const cm = await ctx.podObjects.configMap(ns, name);
      if (!cm && !s.configMap.optional) throw new VolumeSetUpError(v.name, notFound('configmap', name));
      add(configMapPayload(v.name, cm, s.configMap.items, defaultMode, s.configMap.optional ?? false));
    } else if (s.secret) {
      const name = s.secret.name ?? '';
      const secret = await ctx.podObjects.secret(ns, name);
      if (!secret && !s.secret.optional) throw new VolumeSetUpError(v.name, notFound('secret', name));
      add(secretPayload(v.name, secret, s.secret.items, defaultMode, s.secret.optional ?? false));
    } else if (s.downwardAPI) {
      add(downwardAPIPayload(v.name, ctx.pod, s.downwardAPI.items ?? [], defaultMode, ctx));
    } else if (s.serviceAccountToken) {
      const token = await requestServiceAccountToken(v.name, ctx.pod, s.serviceAccountToken, ctx.client);
      payload.set(s.serviceAccountToken.path, { data: Buffer.from(token, 'utf8'), mode: defaultMode });
    } else {
      throw new VolumeSetUpError(v.name, `projected source ${JSON.stringify(Object.keys(s))} is not supported`);
    }
  }
  return payload;
}
