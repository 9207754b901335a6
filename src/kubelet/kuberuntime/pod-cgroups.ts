/**
 * Where a pod's cgroup sits under the cgroupfs driver (upstream's
 * pkg/kubelet/cm qos_container_manager_linux.go and
 * pod_container_manager_linux.go with cgroupsPerQOS): Guaranteed pods at
 * /kubepods/pod<uid>, the others under /kubepods/burstable or
 * /kubepods/besteffort. The runtime makes the directories when it puts the
 * sandbox and containers at <parent>/<id>.
 */
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
