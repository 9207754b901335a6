/**
 * The claim half of the PV controller (upstream's syncClaim,
 * syncUnboundClaim, syncBoundClaim).
 *
 * - Unbound, no volumeName: bind to findMatchingVolume's pick (the smallest
 *   Available volume that fits); for a WaitForFirstConsumer class only once
 *   the claim carries volume.kubernetes.io/selected-node, and then to a
 *   volume whose nodeAffinity admits that node. With no match the claim stays
 *   Pending with an Event saying why.
 * - Unbound, volumeName set by the user: bind to that volume if it is free
 *   (or pre-bound to this claim) and satisfies the claim.
 * - Bound: keep both sides Bound; a claim whose volume is gone or bound to
 *   another claim is Lost.
 */
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import { ANN_BIND_COMPLETED, ANN_SELECTED_NODE } from '../../api/volume-binding/annotations.js';
import { claimClass, isDelayBindingMode } from '../../api/volume-binding/storage-class.js';
import { findMatchingVolume, isVolumeBoundToClaim, volumeMismatch } from '../../api/volume-binding/volume-match.js';
import { bind, updateClaimStatus } from './bind.js';
import type { BinderContext } from './binder-context.js';

export async function syncClaim(ctx: BinderContext, key: string): Promise<void> {
  const claim = ctx.claims.get(key);
  if (!claim) return;
  if (claim.metadata?.annotations?.[ANN_BIND_COMPLETED]) await syncBoundClaim(ctx, claim);
  else await syncUnboundClaim(ctx, claim);
}

async function syncUnboundClaim(ctx: BinderContext, claim: PersistentVolumeClaim): Promise<void> {
  const volumeName = claim.spec?.volumeName;
  if (!volumeName) {
    const delayBinding = isDelayBindingMode(claim, (n) => ctx.classes.get(n));
    const selected = claim.metadata?.annotations?.[ANN_SELECTED_NODE];
    const node = selected ? ctx.nodes.get(selected) : undefined;
    const volume = findMatchingVolume(claim, ctx.volumes.list(), { delayBinding, ...(node ? { node } : {}) });
    if (volume) { await bind(ctx, volume, claim); return; }
    noMatchEvent(ctx, claim, delayBinding && !selected);
    await updateClaimStatus(ctx, claim, 'Pending');
    return;
  }
  const volume = ctx.volumes.get(volumeName);
  if (!volume) {
    await updateClaimStatus(ctx, claim, 'Pending');
    return;
  }
  const ref = volume.spec?.claimRef;
  if (!ref || isVolumeBoundToClaim(volume, claim)) {
    const why = volumeMismatch(volume, claim);
    if (why) {
      ctx.recorder.event(claim, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${volumeName}": ${why}`);
      await updateClaimStatus(ctx, claim, 'Pending');
      return;
    }
    await bind(ctx, volume, claim);
    return;
  }
  ctx.recorder.event(claim, 'Warning', 'FailedBinding', `volume "${volumeName}" already bound to a different claim.`);
  await updateClaimStatus(ctx, claim, 'Pending');
}

function noMatchEvent(ctx: BinderContext, claim: PersistentVolumeClaim, waiting: boolean): void {
  if (waiting) {
    ctx.recorder.event(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    return;
  }
  const className = claimClass(claim);
  if (!className) {
    ctx.recorder.event(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
    return;
  }
  const sc = ctx.classes.get(className);
  if (!sc) {
    ctx.recorder.event(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
    return;
  }
  // Provisioning is the class's external provisioner's (local-path for k8ts's own class); the binder waits for its volume.
  ctx.recorder.event(claim, 'Normal', 'ExternalProvisioning',
    `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`);
}

async function syncBoundClaim(ctx: BinderContext, claim: PersistentVolumeClaim): Promise<void> {
  const volumeName = claim.spec?.volumeName;
  if (!volumeName) {
    ctx.recorder.event(claim, 'Warning', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
    await updateClaimStatus(ctx, claim, 'Lost');
    return;
  }
  const volume = ctx.volumes.get(volumeName);
  if (!volume) {
    ctx.recorder.event(claim, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
    await updateClaimStatus(ctx, claim, 'Lost');
    return;
  }
  if (!volume.spec?.claimRef || isVolumeBoundToClaim(volume, claim)) {
    await bind(ctx, volume, claim);
    return;
  }
  ctx.recorder.event(claim, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
  await updateClaimStatus(ctx, claim, 'Lost');
}
