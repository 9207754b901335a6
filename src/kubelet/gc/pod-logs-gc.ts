/**
 * The log directories of deleted pods (upstream evictPodLogsDirectories in
 * pkg/kubelet/kuberuntime/kuberuntime_gc.go): `<pod-logs-dir>/<ns>_<pod>_<uid>`
 * is removed, with everything in it, once the pod with that uid is deleted;
 * nothing is removed until the kubelet knows all its pods.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PodState } from './container-gc.js';

/** The uid of a pod log directory's name: what follows its last `_`. */
export function podUidOfLogsDirectory(name: string): string {
  return name.slice(name.lastIndexOf('_') + 1);
}

/** Resolves with the directories removed. */
export async function evictPodLogsDirectories(podLogsDir: string, pods: PodState): Promise<string[]> {
  if (!pods.allSourcesReady()) return [];
  const removed: string[] = [];
  for (const name of await readdir(podLogsDir).catch(() => [] as string[])) {
    const uid = podUidOfLogsDirectory(name);
    if (!name.includes('_') || !uid || !pods.isPodDeleted(uid)) continue;
    await rm(join(podLogsDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
