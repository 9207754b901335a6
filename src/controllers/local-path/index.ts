/**
 * k3s's local-path storage: the default `local-path` StorageClass and its
 * provisioner, which makes hostPath PersistentVolumes on the node the
 * scheduler picked. The directories are removed by each node's agent
 * (src/kubelet/local-path-cleaner.ts).
 */
export { startLocalPathProvisioner, type LocalPathProvisionerOptions } from './provisioner.js';
export { localPathStorageClass, ensureLocalPathStorageClass } from './storage-class.js';
export { localPathVolume, nodeStorageDir, unprovisionableReason, volumeNameFor } from './volume.js';
