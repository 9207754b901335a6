/**
 * Whether a pod needs a new sandbox (upstream's runtimeutil.PodSandboxChanged).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { RuntimePod } from './runtime-pod.js';

export interface SandboxVerdict {
  /** A new sandbox must be created (and everything in the old one killed). */
  changed: boolean;
  /** The attempt of the sandbox to create: 0 for the first, the newest one's attempt + 1 after that. */
  attempt: number;
  /** The newest sandbox's id, if it is to be killed or kept; '' if none. */
  sandboxId: string;
}

/**
 * The newest sandbox is kept only if it is the only READY one, its network
 * namespace mode matches the pod (NODE for hostNetwork, else POD; checked
 * only when the runtime reported it), and a pod-network pod's sandbox has an
 * IP (checked only when the runtime reported its network).
 */
export function sandboxChanged(pod: Pod, runtimePod: RuntimePod): SandboxVerdict {
  const newest = runtimePod.sandboxes[0];
  if (!newest) return { changed: true, attempt: 0, sandboxId: '' };
  const next = newest.attempt + 1;
  const ready = runtimePod.sandboxes.filter((s) => s.state === 'READY').length;
  if (ready > 1 || newest.state !== 'READY') return { changed: true, attempt: next, sandboxId: newest.id };
  const hostNetwork = pod.spec?.hostNetwork === true;
  if (newest.networkNamespace && newest.networkNamespace !== (hostNetwork ? 'NODE' : 'POD')) {
    return { changed: true, attempt: next, sandboxId: '' };
  }
  if (!hostNetwork && newest.ip === '') return { changed: true, attempt: next, sandboxId: newest.id };
  return { changed: false, attempt: newest.attempt, sandboxId: newest.id };
}
