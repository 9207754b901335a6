/**
 * Mirror pods: the API server's copy of a kubelet's static pod (upstream's
 * pkg/kubelet/types IsMirrorPod), known to the kubelet that makes them and
 * to the admission that must leave them alone.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';

/** On a mirror pod in the API: the hash of the static pod it mirrors. */
export const CONFIG_MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/** A pod the API server holds on behalf of a static pod. */
export function isMirrorPod(pod: Pod): boolean {
  return pod.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] !== undefined;
}
