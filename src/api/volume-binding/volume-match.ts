/**
 * Which PersistentVolume a claim can bind to (upstream's findMatchingVolume
 * and checkVolumeSatisfyClaim): shared by the PV controller and the
 * scheduler's volume binding.
 */
import type { Node, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import { quantityValue } from '../validation/quantity.js';
import { labelSelectorAsSelector } from '../selectors/label-selector.js';
import { nodeMatchesSelector } from '../pods/node-affinity.js';
import { claimClass, volumeClass } from './storage-class.js';

export interface MatchOptions {
  /** The node the claim's consumer runs on: volumes whose nodeAffinity rejects it do not match. */
  node?: Node;
  /** WaitForFirstConsumer: without `node`, only a volume pre-bound to the claim matches. @default false */
  delayBinding?: boolean;
  /** Volume names to skip. */
  excluded?: ReadonlySet<string>;
}

const storageOf = (r: Record<string, unknown> | undefined): number => quantityValue(r?.['storage']) ?? 0;

/** The claim's requested storage in bytes. */
export function requestedStorage(claim: PersistentVolumeClaim): number {
  return storageOf(claim.spec?.resources?.requests as Record<string, unknown> | undefined);
}

export function volumeCapacity(volume: PersistentVolume): number {
  return storageOf(volume.spec?.capacity as Record<string, unknown> | undefined);
}

/** volume.spec.claimRef names this claim (and its uid, when the ref has one). */
export function isVolumeBoundToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = volume.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata?.uid;
}

/** Whether the volume's nodeAffinity (if any) admits `node`. */
export function volumeFitsNode(volume: PersistentVolume, node: Node): boolean {
  const required = volume.spec?.nodeAffinity?.required;
  return !required || nodeMatchesSelector(node, required);
}

const volumeModeOf = (m: string | undefined): string => m ?? 'Filesystem';

/**
 * Why the volume cannot serve the claim (size, class, access modes, volume
 * mode), as upstream's VolumeMismatch messages; undefined when it can.
 */
export function volumeMismatch(volume: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  if (volumeCapacity(volume) < requestedStorage(claim)) return 'requested PV is too small';
  if (volumeClass(volume) !== claimClass(claim)) return 'storageClassName does not match';
  if (volumeModeOf(volume.spec?.volumeMode) !== volumeModeOf(claim.spec?.volumeMode)) return 'incompatible volumeMode';
  const have = new Set(volume.spec?.accessModes ?? []);
  if (!(claim.spec?.accessModes ?? []).every((m) => have.has(m))) return 'incompatible accessMode';
  return undefined;
}

/**
 * The volume the claim should bind to: one pre-bound to it (claimRef) if
 * it is big enough, else the smallest Available, unclaimed volume that is
 * at least the requested size and has the claim's class, access modes,
 * volume mode and selector labels (and fits `node`, if given). Ties go to
 * the volume with fewer access modes, then by name.
 */
export function findMatchingVolume(claim: PersistentVolumeClaim, volumes: Iterable<PersistentVolume>,
  opts: MatchOptions = {}): PersistentVolume | undefined {
  const requested = requestedStorage(claim);
  const selector = claim.spec?.selector ? labelSelectorAsSelector(claim.spec.selector) : undefined;
  let best: PersistentVolume | undefined;
  for (const v of volumes) {
    const name = v.metadata?.name ?? '';
    if (opts.excluded?.has(name) || v.metadata?.deletionTimestamp) continue;
    const capacity = volumeCapacity(v);
    if (capacity < requested) continue;
    if (volumeModeOf(v.spec?.volumeMode) !== volumeModeOf(claim.spec?.volumeMode)) continue;
    const fits = !opts.node || volumeFitsNode(v, opts.node);
    if (isVolumeBoundToClaim(v, claim)) return fits ? v : undefined;
    if (opts.delayBinding && !opts.node) continue;
    if (!fits || v.status?.phase !== 'Available' || v.spec?.claimRef) continue;
    if (selector && !selector.matches(v.metadata?.labels)) continue;
    if (volumeClass(v) !== claimClass(claim)) continue;
    const have = new Set(v.spec?.accessModes ?? []);
    if (!(claim.spec?.accessModes ?? []).every((m) => have.has(m))) continue;
    if (!best || better(v, best)) best = v;
  }
  return best;
}

function better(a: PersistentVolume, b: PersistentVolume): boolean {
  const ca = volumeCapacity(a);
  const cb = volumeCapacity(b);
  if (ca !== cb) return ca < cb;
  const ma = a.spec?.accessModes?.length ?? 0;
  const mb = b.spec?.accessModes?.length ?? 0;
  if (ma !== mb) return ma < mb;
  return (a.metadata?.name ?? '') < (b.metadata?.name ?? '');
}
