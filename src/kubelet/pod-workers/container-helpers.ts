/**
 * Small facts about a pod's containers that the planner and the status
 * generator share (upstream's pkg/kubelet/container/helpers.go and
 * kuberuntime helpers).
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { findContainer, type RuntimeContainer, type RuntimePod } from './runtime-pod.js';

/** An init container with restartPolicy Always: a sidecar, started in order and kept running. */
export function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

/** The pod's restartPolicy (the API defaults it to Always). */
export function restartPolicyOf(pod: Pod): 'Always' | 'OnFailure' | 'Never' {
  const p = pod.spec?.restartPolicy;
  return p === 'OnFailure' || p === 'Never' ? p : 'Always';
}

/** Failed containers are restarted unless restartPolicy is Never. */
export function restartsOnFailure(pod: Pod): boolean {
  return restartPolicyOf(pod) !== 'Never';
}

/** An init container instance that failed: OOM-killed, exited non-zero, or in an unknown state. */
export function isInitContainerFailed(c: RuntimeContainer): boolean {
  return c.reason === 'OOMKilled' || (c.state === 'EXITED' && c.exitCode !== 0) || c.state === 'UNKNOWN';
}

/**
 * Whether the container `c` should be (re)started now given its newest
 * instance (upstream's ShouldContainerBeRestarted): never for a pod being
 * deleted; always when it has no instance or one that is CREATED or UNKNOWN;
 * never while RUNNING; after an exit per restartPolicy (Never: no; OnFailure:
 * only after a non-zero exit; Always: yes).
 */
export function shouldContainerBeRestarted(c: Container, pod: Pod, runtimePod: RuntimePod): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  const status = findContainer(runtimePod, c.name);
  if (!status) return true;
  if (status.state === 'RUNNING') return false;
  if (status.state === 'UNKNOWN' || status.state === 'CREATED') return true;
  const policy = restartPolicyOf(pod);
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return status.exitCode !== 0;
  return true;
}

/**
 * Any app container has an instance (created, running or exited) in the
 * newest sandbox: initialization happened in it. Containers whose sandbox
 * is not known count as in the newest one (upstream's
 * hasAnyRegularContainerCreated, narrowed to the active sandbox as upstream's
 * HasAnyActiveRegularContainerStarted does).
 */
export function hasAnyRegularContainerCreated(pod: Pod, runtimePod: RuntimePod): boolean {
  const active = runtimePod.sandboxes[0]?.id;
  return (pod.spec?.containers ?? []).some((c) => {
    const s = findContainer(runtimePod, c.name);
    return s !== undefined && s.state !== 'UNKNOWN' && (s.sandboxId === undefined || active === undefined || s.sandboxId === active);
  });
}

/** The newest exited instance of `name`: the CrashLoopBackOff clock runs from its finishedAt. */
export function lastExited(runtimePod: RuntimePod, name: string): RuntimeContainer | undefined {
  return runtimePod.containers.find((c) => c.name === name && c.state === 'EXITED');
}

/** `<name>_<namespace>(<uid>)`, as the kubelet names a pod in messages (upstream's format.Pod). */
export function formatPod(pod: Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}
