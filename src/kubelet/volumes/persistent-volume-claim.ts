/**
 * persistentVolumeClaim volumes: the claim must be Bound; its PersistentVolume's
 * local.path or hostPath (after the hostPath type check, so
 * DirectoryOrCreate makes it) is bind-mounted at
 * `volumes/kubernetes.io~local-volume/<pv name>`, read-only when the pod's
 * claim reference or the PV says so. Error texts are upstream's
 * (desired_state_of_world_populator.go getPVCExtractPV).
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { PersistentVolume, PersistentVolumeClaim, Volume } from 'kubernetes-types/core/v1.js';
import { RESOURCES } from '../../client/index.js';
import { PLUGIN, podVolumeDir } from './paths.js';
import { VolumeSetUpError } from './volume-error.js';
import type { MountedVolume, VolumeContext, VolumePlugin } from './volume-plugin.js';
import { checkHostPathType } from './host-path.js';

export const persistentVolumeClaimPlugin = {
  name: PLUGIN.localVolume,
  canSupport: (v: Volume) => v.persistentVolumeClaim !== undefined,
  async setUp(v, ctx): Promise<MountedVolume> {
    const ns = ctx.pod.metadata?.namespace ?? 'default';
    const claimName = v.persistentVolumeClaim?.claimName ?? '';
    const fail = (msg: string): VolumeSetUpError => new VolumeSetUpError(v.name, `error processing PVC ${ns}/${claimName}: ${msg}`);
    if (!ctx.client) throw fail('the kubelet has no API client to read claims with');
    const pvc = await getOrUndefined<PersistentVolumeClaim>(ctx, RESOURCES.persistentvolumeclaims, claimName, ns);
    if (!pvc) throw fail(`failed to fetch PVC from API server: persistentvolumeclaims ${JSON.stringify(claimName)} not found`);
    if (pvc.metadata?.deletionTimestamp) throw fail('can\'t start pod because PVC is being deleted');
    if (pvc.status?.phase !== 'Bound') throw fail('PVC is not bound');
    const pvName = pvc.spec?.volumeName ?? '';
    if (!pvName) throw fail('PVC has empty pvc.Spec.VolumeName');
    const pv = await getOrUndefined<PersistentVolume>(ctx, RESOURCES.persistentvolumes, pvName);
    if (!pv) throw fail(`failed to fetch PV ${pvName} from API server: persistentvolumes ${JSON.stringify(pvName)} not found`);
    if (pv.spec?.claimRef?.uid && pv.spec.claimRef.uid !== pvc.metadata?.uid) throw fail(`PV ${pvName} is bound to another claim`);
    let source: string;
    if (pv.spec?.local?.path) {
      source = pv.spec.local.path;
      if (!existsSync(source)) throw new VolumeSetUpError(v.name, `path "${source}" does not exist`);
    } else if (pv.spec?.hostPath?.path) {
      source = pv.spec.hostPath.path;
      try {
        checkHostPathType(source, pv.spec.hostPath.type ?? '');
      } catch (e) {
        throw new VolumeSetUpError(v.name, e instanceof Error ? e.message : String(e));
      }
    } else {
      throw new VolumeSetUpError(v.name, `PV ${pvName}: only local and hostPath persistent volumes are supported`);
    }
    const readOnly = v.persistentVolumeClaim?.readOnly === true;
    const dir = podVolumeDir(ctx.rootDir, ctx.pod.metadata?.uid ?? '', PLUGIN.localVolume, pvName);
    if (!ctx.mounter.mountPointsUnder(dir).includes(dir)) {
      mkdirSync(dir, { recursive: true, mode: 0o750 });
      try {
        await ctx.mounter.bind(source, dir, readOnly);
      } catch (e) {
        throw new VolumeSetUpError(v.name, e instanceof Error ? e.message : String(e));
      }
    }
    return { path: dir, readOnly };
  },
} satisfies VolumePlugin;

async function getOrUndefined<T>(ctx: VolumeContext, res: typeof RESOURCES.persistentvolumes, name: string, namespace?: string): Promise<T | undefined> {
  try {
    return await ctx.client!.get(res, name, namespace ? { namespace } : {}) as T;
  } catch (e) {
    if ((e as { code?: unknown }).code === 404) return undefined;
    throw e;
  }
}
