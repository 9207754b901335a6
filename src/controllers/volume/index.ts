/** The PersistentVolume binder: claims bound to the smallest fitting volume, volumes released and reclaimed. */
export { startPersistentVolumeController, type PersistentVolumeControllerOptions } from './persistent-volume-controller.js';
export { syncClaim } from './claim-sync.js';
export { syncVolume } from './volume-sync.js';
export type { BinderContext } from './binder-context.js';
