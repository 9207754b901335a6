/**
 * The volume half of the PV controller (upstream's syncVolume and
 * reclaimVolume): a volume with no claimRef is Available; one whose claim is
 * gone is Released and then reclaimed by its policy (Retain: stays Released
 * for the administrator; Delete: the PersistentVolume is deleted, there being
 * no real storage behind it here; Recycle: unsupported, Failed); one whose
 * claim went to another volume is unbound.
 */
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import { RESOURCES } from '../../client/resource.js';
import { unbindVolume, updateVolumePhase } from './bind.js';
import type { BinderContext } from './binder-context.js';

export async function syncVolume(ctx: BinderContext, name: string): Promise<void> {
  const volume = ctx.volumes.get(name);
  if (!volume || volume.metadata?.deletionTimestamp) return;
  const ref = volume.spec?.claimRef;
  if (!ref) { await updateVolumePhase(ctx, volume, 'Available'); return; }
  const claimKey = `${ref.namespace ?? ''}/${ref.name ?? ''}`;
  if (!ref.uid) {
    // Pre-bound by the user to a claim by name: the claim's sync binds it.
    await updateVolumePhase(ctx, volume, 'Available');
    ctx.enqueueClaim(claimKey);
    return;
  }
  let claim = ctx.claims.get(claimKey);
  if (claim && claim.metadata?.uid !== ref.uid) claim = undefined;
  // The cache may not have a just-created claim yet: ask the API before releasing.
  if (!claim) claim = await liveClaim(ctx, ref.namespace ?? '', ref.name ?? '', ref.uid);
  if (!claim) { await release(ctx, volume); return; }
  if (!claim.spec?.volumeName) {
    // Binding in progress (or pre-bound by the user): the claim's sync finishes it.
    ctx.enqueueClaim(claimKey);
    return;
  }
  if (claim.spec.volumeName === name) {
    if (volume.status?.phase !== 'Bound') await updateVolumePhase(ctx, volume, 'Bound');
    return;
  }
  // The claim went to another volume: free this one (a user's pre-binding keeps the claim's name).
  await unbindVolume(ctx, volume);
}

async function liveClaim(ctx: BinderContext, namespace: string, name: string, uid: string): Promise<PersistentVolumeClaim | undefined> {
  try {
    const c = await ctx.client.get<PersistentVolumeClaim>(RESOURCES.persistentvolumeclaims, name, { namespace });
    return c.metadata?.uid === uid ? c : undefined;
  } catch (e) {
    if ((e as { code?: number }).code === 404) return undefined;
    throw e;
  }
}

async function release(ctx: BinderContext, volume: PersistentVolume): Promise<void> {
  let v = volume;
  if (v.status?.phase !== 'Released' && v.status?.phase !== 'Failed') {
    v = await updateVolumePhase(ctx, v, 'Released');
    ctx.logger.info({ volume: v.metadata?.name }, 'volume released');
  }
  switch (v.spec?.persistentVolumeReclaimPolicy ?? 'Retain') {
    case 'Retain':
      return;
    case 'Delete':
      if (v.status?.phase === 'Failed') return;
      try {
        await ctx.client.delete(RESOURCES.persistentvolumes, v.metadata!.name!, { preconditions: { uid: v.metadata!.uid! } });
        ctx.logger.info({ volume: v.metadata?.name }, 'deleted released volume (reclaim policy Delete)');
      } catch (e) {
        if ((e as { code?: number }).code === 404) return;
        ctx.recorder.event(v, 'Warning', 'VolumeFailedDelete', e instanceof Error ? e.message : String(e));
        throw e;
      }
      return;
    default:
      if (v.status?.phase === 'Failed') return;
      ctx.recorder.event(v, 'Warning', 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
      await updateVolumePhase(ctx, v, 'Failed', 'No recycler plugin found for the volume!');
  }
}
