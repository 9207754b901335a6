/**
 * The init-container half of the planner (upstream's
 * computeInitContainerActions): which init containers and sidecars to start
 * or kill, and whether initialization is done.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { findContainer, type RuntimePod } from './runtime-pod.js';
import { hasAnyRegularContainerCreated, isInitContainerFailed, isSidecar, restartsOnFailure } from './container-helpers.js';
import { hashContainer } from './container-hash.js';
import type { ContainerToKill, ContainerToStart, StartReason } from './pod-actions.js';

/** Probe results the init planner reads, by container name (the current instance's). */
export interface InitProbeResults {
  livenessFailed: ReadonlySet<string>;
  startupFailed: ReadonlySet<string>;
  startupSucceeded: ReadonlySet<string>;
}

export interface InitContainerActions {
  /** All regular init containers have succeeded and every sidecar has started: app containers may run. */
  initialized: boolean;
  /** An init container failed and restartPolicy is Never: the pod has failed. */
  failed: boolean;
  toStart: ContainerToStart[];
  toKill: ContainerToKill[];
}

/**
 * Walks the init containers from the last to the first, so that init
 * containers the runtime has already removed do not count against a pod
 * that got past them:
 * - once a later init container (or any app container) has an instance,
 *   earlier regular init containers are done; only sidecars are looked after
 *   (restarted when missing, exited, unknown, changed, or failing a probe);
 * - a CREATED instance is started again;
 * - a running regular init container is waited for;
 * - a running sidecar lets the next init container start once it has
 *   started (its startup probe, if any, succeeded);
 * - an exited regular init container: success starts the next one (or ends
 *   initialization if it is the last); failure restarts it, or fails the pod
 *   with restartPolicy Never;
 * - nothing started yet: the first init container starts.
 */
export function computeInitContainerActions(pod: Pod, runtimePod: RuntimePod, probes: InitProbeResults): InitContainerActions {
  const inits = pod.spec?.initContainers ?? [];
  const out: InitContainerActions = { initialized: true, failed: false, toStart: [], toKill: [] };
  if (inits.length === 0) return out;
  out.initialized = hasAnyRegularContainerCreated(pod, runtimePod);
  let previouslyInitialized = out.initialized;
  const restartOnFailure = restartsOnFailure(pod);
  const start = (i: number, reason: StartReason): void => {
    const c: Container = inits[i];
    out.toStart.push({ name: c.name, index: i, kind: isSidecar(c) ? 'sidecar' : 'init', reason });
  };
  const kill = (id: string, name: string, reason: ContainerToKill['reason'], message: string): void => {
    out.toKill.push({ id, name, reason, message });
  };

  for (let i = inits.length - 1; i >= 0; i--) {
    const c = inits[i];
    const sidecar = isSidecar(c);
    const status = findContainer(runtimePod, c.name);
    if (!status) {
      if (previouslyInitialized && sidecar) start(i, 'NotCreated');
      continue;
    }
    if (previouslyInitialized && !sidecar) continue;

    switch (status.state) {
      case 'CREATED':
        start(i, 'Created');
        break;
      case 'RUNNING': {
        if (!sidecar) break; // wait for it to finish
        if (c.startupProbe) {
          if (probes.startupFailed.has(c.name)) {
            kill(status.id, c.name, 'StartupProbe', `Init container ${c.name} failed startup probe`);
            start(i, 'Restart');
            break;
          }
          if (!probes.startupSucceeded.has(c.name)) break; // not started yet: hold the next one back
        }
        if (i === inits.length - 1) out.initialized = true;
        else if (!previouslyInitialized) start(i + 1, 'NotCreated');
        if (status.hash !== hashContainer(c)) {
          kill(status.id, c.name, 'DefinitionChanged', `Init container ${c.name} definition changed`);
          start(i, 'Restart');
          break;
        }
        if (c.livenessProbe && probes.livenessFailed.has(c.name)) {
          kill(status.id, c.name, 'LivenessProbe', `Init container ${c.name} failed liveness probe`);
          start(i, 'Restart');
        }
        break;
      }
      case 'EXITED':
        if (sidecar) {
          start(i, 'Exited');
        } else if (isInitContainerFailed(status)) {
          if (!restartOnFailure) return { initialized: false, failed: true, toStart: [], toKill: out.toKill };
          start(i, 'Exited');
        } else if (i === inits.length - 1) {
          out.initialized = true;
        } else {
          start(i + 1, 'NotCreated');
        }
        break;
      default: // UNKNOWN
        if (!sidecar && !restartOnFailure) return { initialized: false, failed: true, toStart: [], toKill: out.toKill };
        kill(status.id, c.name, 'Unknown', `Init container is in "unknown" state, try killing it before restart`);
        start(i, 'Unknown');
    }
    previouslyInitialized = true;
  }
  if (!previouslyInitialized) start(0, 'NotCreated');
  out.toStart.reverse();
  return out;
}
