/**
 * persistentVolumeClaimRetentionPolicy as owner references on the claims
 * (upstream's updateClaimOwnerRefForSetAndPod): whenDeleted Delete makes the
 * StatefulSet an owner, so the garbage collector removes the claims with
 * it; whenScaled Delete makes a condemned pod (ordinal beyond replicas) the
 * owner, so its claims go when the scale-down deletes it. Retain removes
 * the reference.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';

/** The ownerReferences `claim` should have; `pod` may be undefined before it exists. */
export function retentionOwnerRefs(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod | undefined,
  podInRange: boolean): OwnerReference[] {
  const policy = set.spec?.persistentVolumeClaimRetentionPolicy ?? {};
  const deleteWithSet = policy.whenDeleted === 'Delete';
  const deleteOnScale = policy.whenScaled === 'Delete';
  const setUid = set.metadata!.uid!;
  const podUid = pod?.metadata?.uid;
  let refs = (claim.metadata?.ownerReferences ?? []).filter((r) => r.uid !== setUid && (!podUid || r.uid !== podUid));
  const wantSet = deleteWithSet && (podInRange || !deleteOnScale);
  const wantPod = deleteOnScale && !podInRange && podUid !== undefined;
  if (wantSet) refs = [...refs, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata!.name!, uid: setUid }];
  if (wantPod) refs = [...refs, { apiVersion: 'v1', kind: 'Pod', name: pod!.metadata!.name!, uid: podUid }];
  return refs;
}

export function ownerRefsEqual(a: readonly OwnerReference[] | undefined, b: readonly OwnerReference[] | undefined): boolean {
  const key = (refs: readonly OwnerReference[] | undefined): string => (refs ?? []).map((r) => r.uid).sort().join(',');
  return key(a) === key(b);
}
