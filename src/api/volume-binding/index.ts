/**
 * PersistentVolume binding facts shared by admission (default StorageClass),
 * the PV controller and the scheduler: annotations, claim/volume classes,
 * delayed binding, and which volume a claim matches. Pure functions.
 */
export * from './annotations.js';
export { claimClass, volumeClass, isDefaultStorageClass, defaultStorageClass, admitPersistentVolumeClaim, isDelayBindingMode } from './storage-class.js';
export {
  findMatchingVolume, volumeMismatch, isVolumeBoundToClaim, volumeFitsNode, requestedStorage, volumeCapacity, type MatchOptions,
} from './volume-match.js';
export * from './local-path.js';
