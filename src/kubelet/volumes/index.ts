/**
 * Pod volumes (upstream's pkg/volume plugins and the kubelet's volume
 * manager): emptyDir, hostPath, configMap, secret, downwardAPI, projected
 * and persistentVolumeClaim (local and hostPath PVs), the AtomicWriter,
 * fsGroup ownership, the containers' CRI mounts, /etc/hosts and the
 * termination message file.
 */
export { VolumeManager, VOLUME_PLUGINS, type VolumeManagerOptions, type PodVolumes } from './volume-manager.js';
export { containerMounts, type ContainerMountInputs } from './container-mounts.js';
export { VolumeSetUpError } from './volume-error.js';
export { writePayload, validatePath, DATA_DIR_NAME, type Payload, type FileProjection } from './atomic-writer.js';
export { checkHostPathType } from './host-path.js';
export { setVolumeOwnership } from './volume-ownership.js';
export { SystemMounter, mountPointsUnder, type Mounter } from './mounter.js';
export { podDir, podVolumeDir, PLUGIN } from './paths.js';
export { managedHostsFileContent, nodeHostsFileContent, podHostnameAndDomain } from './etc-hosts.js';
export type { MountedVolume, VolumePlugin, VolumeContext } from './volume-plugin.js';
