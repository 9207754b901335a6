/**
 * The writes of binding (upstream's bind, bindVolumeToClaim,
 * bindClaimToVolume, updateClaimStatus, updateVolumePhase, unbindVolume):
 * each reads the cached object, clones it, and writes only when something
 * changes, with the cached resourceVersion (a stale cache conflicts and the
 * sync is retried).
 */
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import { deepClone, deepEqual } from '../../api/object.js';
import { RESOURCES } from '../../client/resource.js';
import { ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER } from '../../api/volume-binding/annotations.js';
import type { BinderContext } from './binder-context.js';

type VolumePhase = 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed';
type ClaimPhase = 'Pending' | 'Bound' | 'Lost';

/** Sets the volume's status.phase (and message); returns the volume as written. */
export async function updateVolumePhase(ctx: BinderContext, volume: PersistentVolume, phase: VolumePhase,
  message?: string): Promise<PersistentVolume> {
  if (volume.status?.phase === phase && (message === undefined || volume.status?.message === message)) return volume;
  const status: Record<string, unknown> = { ...deepClone(volume.status ?? {}), phase };
  if (message !== undefined) status['message'] = message; else delete status['message'];
  const v: PersistentVolume = { ...deepClone(volume), status };
  ctx.logger.debug({ volume: v.metadata?.name, phase }, 'volume phase');
  return ctx.client.updateStatus(RESOURCES.persistentvolumes, v);
}

/** Sets the claim's status: phase, and on Bound the volume's access modes and capacity. */
export async function updateClaimStatus(ctx: BinderContext, claim: PersistentVolumeClaim, phase: ClaimPhase,
  volume?: PersistentVolume): Promise<PersistentVolumeClaim> {
  const status: Record<string, unknown> = { ...deepClone(claim.status ?? {}), phase };
  if (volume) {
    status['accessModes'] = [...(volume.spec?.accessModes ?? [])];
    status['capacity'] = { ...(volume.spec?.capacity ?? {}) };
  } else if (phase !== 'Bound') {
    delete status['accessModes'];
    delete status['capacity'];
  }
  if (deepEqual(status, claim.status ?? {})) return claim;
  const c: PersistentVolumeClaim = { ...deepClone(claim), status };
  ctx.logger.debug({ claim: `${c.metadata?.namespace}/${c.metadata?.name}`, phase }, 'claim phase');
  return ctx.client.updateStatus(RESOURCES.persistentvolumeclaims, c);
}

/** Points the volume's claimRef at the claim (bound-by-controller when the volume was free) and marks it Bound. */
async function bindVolumeToClaim(ctx: BinderContext, volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<PersistentVolume> {
  const ref = volume.spec?.claimRef;
  let v = volume;
  if (!ref || ref.uid !== claim.metadata?.uid || ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace) {
    const next = deepClone(volume);
    next.spec ??= {};
    next.spec.claimRef = {
      kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata?.namespace, name: claim.metadata?.name,
      uid: claim.metadata?.uid, resourceVersion: claim.metadata?.resourceVersion,
    };
    if (!ref) next.metadata = { ...next.metadata, annotations: { ...next.metadata?.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' } };
    v = await ctx.client.update(RESOURCES.persistentvolumes, next);
  }
  return updateVolumePhase(ctx, v, 'Bound');
}

/** Sets the claim's volumeName (bound-by-controller when it had none) and bind-completed. */
async function bindClaimToVolume(ctx: BinderContext, claim: PersistentVolumeClaim, volume: PersistentVolume): Promise<PersistentVolumeClaim> {
  const name = volume.metadata!.name!;
  const ann = claim.metadata?.annotations ?? {};
  if (claim.spec?.volumeName === name && ann[ANN_BIND_COMPLETED] === 'yes') return claim;
  const next = deepClone(claim);
  const annotations: Record<string, string> = { ...(next.metadata?.annotations ?? {}), [ANN_BIND_COMPLETED]: 'yes' };
  if (!next.spec?.volumeName) annotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
  next.metadata = { ...next.metadata, annotations };
  next.spec = { ...next.spec, volumeName: name };
  return ctx.client.update(RESOURCES.persistentvolumeclaims, next);
}

/** Binds both ways and sets both phases to Bound; idempotent. */
export async function bind(ctx: BinderContext, volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
  const v = await bindVolumeToClaim(ctx, volume, claim);
  const c = await bindClaimToVolume(ctx, claim, v);
  await updateClaimStatus(ctx, c, 'Bound', v);
  ctx.logger.info({ claim: `${claim.metadata?.namespace}/${claim.metadata?.name}`, volume: v.metadata?.name }, 'bound claim to volume');
}

/**
 * Releases the volume from a claim bound elsewhere: a controller-made
 * claimRef goes, a user's pre-binding keeps the claim's name but loses its
 * uid; the volume is Available again.
 */
export async function unbindVolume(ctx: BinderContext, volume: PersistentVolume): Promise<void> {
  const next = deepClone(volume);
  const annotations = { ...(next.metadata?.annotations ?? {}) };
  if (annotations[ANN_BOUND_BY_CONTROLLER]) {
    delete next.spec!.claimRef;
    delete annotations[ANN_BOUND_BY_CONTROLLER];
  } else if (next.spec?.claimRef) {
    delete next.spec.claimRef.uid;
    delete next.spec.claimRef.resourceVersion;
  }
  next.metadata = { ...next.metadata, annotations };
  const v = await ctx.client.update<PersistentVolume>(RESOURCES.persistentvolumes, next);
  await updateVolumePhase(ctx, v, 'Available');
}
