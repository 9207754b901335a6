/**
 * Where a pod's cgroup sits under the cgroupfs driver (upstream's
 * pkg/kubelet/cm qos_container_manager_linux.go and
 * pod_container_manager_linux.go with cgroupsPerQOS): Guaranteed pods at
 * /kubepods/pod<uid>, the others under /kubepods/burstable or
 * /kubepods/besteffort. The runtime makes the directories when it puts the
 * sandbox and containers at <parent>/<id>; the kubelet removes the pod's
 * cgroup once they are gone.
 */
import { access, readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { podQOSClass } from '../../api/pods/qos.js';

export const KUBEPODS_CGROUP = '/kubepods';

/** The sandbox's cgroup_parent. */
export function podCgroupParent(pod: Pod): string {
  const leaf = `pod${pod.metadata?.uid ?? ''}`;
  switch (podQOSClass(pod)) {
    case 'Guaranteed': return `${KUBEPODS_CGROUP}/${leaf}`;
    case 'Burstable': return `${KUBEPODS_CGROUP}/burstable/${leaf}`;
    default: return `${KUBEPODS_CGROUP}/besteffort/${leaf}`;
  }
}

/** The cgroup hierarchies under `root`: the v2 tree itself, or each v1 controller's mount. */
async function hierarchies(root: string): Promise<string[]> {
  try {
    await access(join(root, 'cgroup.controllers'));
    return [root];
  } catch { /* cgroup v1 */ }
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => join(root, e.name));
}

/** rmdir of `dir` after its sub-cgroups, deepest first; a cgroup that still holds processes stays (EBUSY). */
async function rmdirTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) if (e.isDirectory()) await rmdirTree(join(dir, e.name));
  await rmdir(dir).catch(() => undefined);
}

/**
 * Removes the cgroups of pod `uid` (any QoS class) from every hierarchy
 * once the runtime has removed its sandbox and containers (upstream's pod
 * container manager Destroy). Best effort: never throws.
 */
export async function removePodCgroups(uid: string, cgroupRoot = '/sys/fs/cgroup'): Promise<void> {
  if (!uid || uid.includes('/')) return;
  for (const h of await hierarchies(cgroupRoot)) {
    for (const qos of ['', 'burstable', 'besteffort']) await rmdirTree(join(h, KUBEPODS_CGROUP, qos, `pod${uid}`));
  }
}

/**
 * The uids of the pod cgroups under kubepods in any hierarchy that were
 * made at least `minAgeMs` ago (upstream's GetAllPodsFromCgroups), for
 * housekeeping to remove those of pods the node no longer has
 * (cleanupOrphanedPodCgroups): a cgroup that was busy when its pod was
 * deleted goes on a later pass. The age spares a pod another node on the
 * same machine (same cgroup tree) is starting right now.
 */
export async function podCgroupUids(cgroupRoot = '/sys/fs/cgroup', minAgeMs = 30_000): Promise<Set<string>> {
  const uids = new Set<string>();
  const before = Date.now() - minAgeMs;
  for (const h of await hierarchies(cgroupRoot)) {
    for (const qos of ['', 'burstable', 'besteffort']) {
      const dir = join(h, KUBEPODS_CGROUP, qos);
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (!e.isDirectory() || !e.name.startsWith('pod')) continue;
        const made = await stat(join(dir, e.name)).then((st) => st.mtimeMs, () => Date.now());
        if (made <= before) uids.add(e.name.slice(3));
      }
    }
  }
  return uids;
}
