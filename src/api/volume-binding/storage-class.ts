/**
 * StorageClass facts shared by admission, the PV controller and the
 * scheduler: a claim's class, the default class, delayed binding.
 */
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { ANN_BETA_IS_DEFAULT_CLASS, ANN_IS_DEFAULT_CLASS } from './annotations.js';

/** spec.storageClassName, "" when unset (upstream's GetPersistentVolumeClaimClass). */
export function claimClass(claim: PersistentVolumeClaim): string {
  return claim.spec?.storageClassName ?? '';
}

/** spec.storageClassName, "" when unset (upstream's GetPersistentVolumeClass). */
export function volumeClass(volume: PersistentVolume): string {
  return volume.spec?.storageClassName ?? '';
}

export function isDefaultStorageClass(sc: StorageClass): boolean {
  const a = sc.metadata?.annotations ?? {};
  return a[ANN_IS_DEFAULT_CLASS] === 'true' || a[ANN_BETA_IS_DEFAULT_CLASS] === 'true';
}

/**
 * The default class among `classes`: of several, the newest (then the first
 * by name), as upstream's GetDefaultClass since 1.26; undefined for none.
 */
export function defaultStorageClass(classes: Iterable<StorageClass>): StorageClass | undefined {
  let best: StorageClass | undefined;
  for (const sc of classes) {
    if (!isDefaultStorageClass(sc)) continue;
    if (!best) { best = sc; continue; }
    const a = Date.parse(sc.metadata?.creationTimestamp ?? '') || 0;
    const b = Date.parse(best.metadata?.creationTimestamp ?? '') || 0;
    if (a > b || (a === b && (sc.metadata?.name ?? '') < (best.metadata?.name ?? ''))) best = sc;
  }
  return best;
}

/**
 * Upstream's DefaultStorageClass admission on PVC create: a claim with no
 * storageClassName at all (not even "") gets the default class, if any.
 */
export function admitPersistentVolumeClaim(claim: PersistentVolumeClaim, classes: Iterable<StorageClass>): void {
  if (claim.spec?.storageClassName !== undefined && claim.spec.storageClassName !== null) return;
  const def = defaultStorageClass(classes);
  if (!def?.metadata?.name) return;
  claim.spec ??= {};
  claim.spec.storageClassName = def.metadata.name;
}

/** Whether the claim's class binds only once a pod using it is scheduled (WaitForFirstConsumer). */
export function isDelayBindingMode(claim: PersistentVolumeClaim, getClass: (name: string) => StorageClass | undefined): boolean {
  const name = claimClass(claim);
  if (!name) return false;
  return getClass(name)?.volumeBindingMode === 'WaitForFirstConsumer';
}
