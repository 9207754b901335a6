/**
 * The annotations that tie a static pod to its source and to its mirror pod
 * (upstream's pkg/kubelet/types/pod_update.go), and the predicates on them.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { CONFIG_MIRROR_ANNOTATION } from '../../api/pods/mirror.js';

export { CONFIG_MIRROR_ANNOTATION, isMirrorPod } from '../../api/pods/mirror.js';

/** Where the kubelet got the pod: `file`, `http` (or `api`). */
export const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';
/** The static pod's uid, a hash of its manifest: what a mirror pod must match. */
export const CONFIG_HASH_ANNOTATION = 'kubernetes.io/config.hash';
/** When the kubelet first saw the pod (RFC 3339 with fraction). */
export const CONFIG_SEEN_ANNOTATION = 'kubernetes.io/config.seen';

export type StaticPodSourceKind = 'file' | 'http';

/** `mirror` is the mirror of `staticPod`: same name and namespace, and its hash is the static pod's (upstream's IsMirrorPodOf). */
export function isMirrorPodOf(mirror: Pod, staticPod: Pod): boolean {
  const hash = mirror.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION];
  return hash !== undefined
    && mirror.metadata?.name === staticPod.metadata?.name
    && mirror.metadata?.namespace === staticPod.metadata?.namespace
    && hash === staticPod.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
}
