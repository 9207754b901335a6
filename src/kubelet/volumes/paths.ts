/**
 * Where a pod's volumes live on the node (upstream's kubelet_getters.go):
 * `<rootDir>/pods/<uid>/volumes/<plugin, "/" escaped to "~">/<volumeName>`.
 */
import { join } from 'node:path';

/** Upstream's plugin names (pkg/volume/<plugin>). */
export const PLUGIN = {
  emptyDir: 'kubernetes.io/empty-dir',
  hostPath: 'kubernetes.io/host-path',
  configMap: 'kubernetes.io/configmap',
  secret: 'kubernetes.io/secret',
  downwardAPI: 'kubernetes.io/downward-api',
  projected: 'kubernetes.io/projected',
  localVolume: 'kubernetes.io/local-volume',
} as const;

export function podDir(rootDir: string, uid: string): string {
  if (!uid || uid.includes('/') || uid.startsWith('.')) throw new Error(`invalid pod uid ${JSON.stringify(uid)}`);
  return join(rootDir, 'pods', uid);
}

export function podVolumeDir(rootDir: string, uid: string, plugin: string, volumeName: string): string {
  return join(podDir(rootDir, uid), 'volumes', plugin.replace(/\//g, '~'), volumeName);
}
