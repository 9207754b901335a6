/**
 * The /var/log/containers links (upstream pkg/kubelet/kuberuntime/legacy.go):
 * one symlink per container, `<pod>_<namespace>_<container>-<containerID>.log`,
 * pointing at the container's live log file, for log shippers that read
 * that folder. The name is cut to ext4's 255 bytes, keeping `.log`.
 */
import { join } from 'node:path';

/** Upstream's legacyContainerLogsDir. */
export const DEFAULT_CONTAINER_LOGS_DIR = '/var/log/containers';

const EXT4_MAX_FILE_NAME_LEN = 255;
const SUFFIX = '.log';

export function logSymlinkPath(containerLogsDir: string, podName: string, podNamespace: string, containerName: string, containerId: string): string {
  const name = `${podName}_${podNamespace}_${containerName}-${containerId}`;
  return join(containerLogsDir, name.slice(0, EXT4_MAX_FILE_NAME_LEN - SUFFIX.length) + SUFFIX);
}

/** The container ID a link name ends with (64 hex digits for containerd), or undefined. */
export function containerIdOfSymlink(fileName: string): string | undefined {
  return /-([0-9a-z]+)\.log$/.exec(fileName)?.[1];
}
