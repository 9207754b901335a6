/**
 * A pod's phase from its container statuses (upstream's getPhase in
 * pkg/kubelet/kubelet_pods.go).
 */
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { isSidecar, restartPolicyOf } from './container-helpers.js';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

/** Any app container is running or has terminated: the pod got past initialization once. */
export function hasAnyRegularContainerStarted(pod: Pod, statuses: readonly ContainerStatus[]): boolean {
  const names = new Set((pod.spec?.containers ?? []).map((c) => c.name));
  return statuses.some((s) => names.has(s.name) && (s.state?.running !== undefined || s.state?.terminated !== undefined));
}

/**
 * - Failed: a regular init container failed (exited non-zero, or waits
 *   after a non-zero exit) and restartPolicy is Never;
 * - Pending: a regular init container has not succeeded yet, a sidecar has
 *   not started before the pod was first initialized, or an app container
 *   waits without having run;
 * - Running: an app container or sidecar runs and every app container has a
 *   status;
 * - all app containers stopped (sidecars do not count): when `podIsTerminal`
 *   Succeeded if all exited 0, else Failed; otherwise Running for
 *   restartPolicy Always, Succeeded if all exited 0, Failed for Never and
 *   Running (restarting) for OnFailure;
 * - Pending in any other case.
 */
export function podPhaseOf(pod: Pod, statuses: readonly ContainerStatus[], podIsTerminal = false): PodPhase {
  const byName = new Map(statuses.map((s) => [s.name, s]));
  const initialized = hasAnyRegularContainerStarted(pod, statuses);
  let pendingInit = 0;
  let pendingSidecars = 0;
  let failedInit = 0;
  for (const c of pod.spec?.initContainers ?? []) {
    if (isSidecar(c)) continue;
    const s = byName.get(c.name);
    if (s?.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s?.state?.waiting && s.lastState?.terminated) {
      if (s.lastState.terminated.exitCode !== 0) failedInit++;
    } else {
      pendingInit++;
    }
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of pod.spec?.initContainers ?? []) {
    if (!isSidecar(c)) continue;
    const s = byName.get(c.name);
    if (!s) {
      unknown++;
    } else if (s.state?.running) {
      if (!s.started) pendingSidecars++;
      running++;
    } else if (s.state?.terminated) {
      // a stopped sidecar does not decide the phase
    } else if (s.state?.waiting) {
      if (!s.lastState?.terminated) {
        pendingSidecars++;
        waiting++;
      }
    } else {
      pendingSidecars++;
      unknown++;
    }
  }
  for (const c of pod.spec?.containers ?? []) {
    const s = byName.get(c.name);
    if (!s) {
      unknown++;
    } else if (s.state?.running) {
      running++;
    } else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else {
      unknown++;
    }
  }
  const policy = restartPolicyOf(pod);
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  if (pendingInit > 0 || (pendingSidecars > 0 && !initialized) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}
