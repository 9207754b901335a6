/**
 * The annotations that tie a static pod to its source and to its mirror pod
 * (upstream's pkg/kubelet/types/pod_update.go), and the predicates on them.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';

/** Where the kubelet got the pod: `file`, `http` (or `api`). */
export const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';
/** The static pod's uid, a hash of its manifest: what a mirror pod must match. */
export const CONFIG_HASH_ANNOTATION = 'kubernetes.io/config.hash';
/** When the kubelet first saw the pod (RFC 3339 with fraction). */
export const CONFIG_SEEN_ANNOTATION = 'kubernetes.io/config.seen';
/** On a mirror pod in the API: the hash of the static pod it mirrors. */
export const CONFIG_MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

export type StaticPodSourceKind = 'file' | 'http';

/** A pod the API server holds on behalf of a static pod (upstream's IsMirrorPod). */
export function isMirrorPod(pod: Pod): boolean {
  return pod.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] !== undefined;
}

/** A pod that came from a manifest rather than the API (upstream's IsStaticPod). */
export function isStaticPod(pod: Pod): boolean {
  const source = pod.metadata?.annotations?.[CONFIG_SOURCE_ANNOTATION];
  return source !== undefined && source !== 'api';
}

/** `mirror` is the mirror of `staticPod`: same name and namespace, and its hash is the static pod's (upstream's IsMirrorPodOf). */
export function isMirrorPodOf(mirror: Pod, staticPod: Pod): boolean {
  const hash = mirror.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION];
  return hash !== undefined
    && mirror.metadata?.name === staticPod.metadata?.name
    && mirror.metadata?.namespace === staticPod.metadata?.namespace
    && hash === staticPod.metadata?.annotations?.[CONFIG_HASH_ANNOTATION];
}
