/**
 * The API's container statuses from runtime state (upstream's
 * convertToAPIContainerStatuses in pkg/kubelet/kubelet_pods.go).
 */
import type { Container, ContainerState, ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { rfc3339Seconds } from '../../api/time.js';
import type { RuntimeContainer, RuntimePod } from './runtime-pod.js';
import { hasAnyRegularContainerCreated, isSidecar, shouldContainerBeRestarted } from './container-helpers.js';

/** Why a container waits, from the last sync: CrashLoopBackOff, ErrImagePull, ImagePullBackOff, CreateContainerConfigError, ... */
export interface WaitingReason {
  reason: string;
  message?: string;
}

export interface ContainerStatusInputs {
  /** Names of containers whose readiness probe passes; undefined: every running container is ready. */
  ready?: ReadonlySet<string>;
  /** Names of containers whose startup probe passed; undefined: every running container has started. */
  started?: ReadonlySet<string>;
  /** Start failures of the last sync by container name (upstream's reason cache). */
  waiting?: ReadonlyMap<string, WaitingReason>;
}

const INIT_GONE_MESSAGE = 'Unable to get init container status from container runtime and pod has been initialized, treat it as exited normally';

/** The runtime id as the API shows it. */
export function containerIdOf(c: RuntimeContainer): string {
  return `containerd://${c.id}`;
}

function time(ms: number): string | undefined {
  return ms > 0 ? rfc3339Seconds(ms) : undefined;
}

/** "Completed" after exit 0, "Error" otherwise, unless the runtime said (e.g. "OOMKilled"). */
function terminatedReason(c: RuntimeContainer): string {
  if (c.reason) return c.reason;
  return c.exitCode === 0 ? 'Completed' : 'Error';
}

/** One runtime instance as an API state. */
export function stateOf(c: RuntimeContainer): ContainerState {
  switch (c.state) {
    case 'RUNNING':
      return { running: { ...(time(c.startedAt) ? { startedAt: time(c.startedAt) } : {}) } };
    case 'EXITED':
      return {
        terminated: {
          exitCode: c.exitCode,
          reason: terminatedReason(c),
          ...(c.message ? { message: c.message } : {}),
          ...(time(c.startedAt) ? { startedAt: time(c.startedAt) } : {}),
          ...(time(c.finishedAt) ? { finishedAt: time(c.finishedAt) } : {}),
          containerID: containerIdOf(c),
        },
      };
    default: // CREATED, UNKNOWN: waiting to be started
      return { waiting: {} };
  }
}

/**
 * Statuses of `specs` (spec.initContainers when `init`, else
 * spec.containers):
 * - no instance: waiting, reason PodInitializing if the pod has init
 *   containers, else ContainerCreating;
 * - the newest instance gives state, containerID, imageID, restartCount;
 *   the one before it, if it terminated, gives lastState; when the runtime
 *   has removed that one, lastState comes from the pod's current status
 *   (its terminated state under another container id, or its lastState);
 * - a regular init container the runtime removed after the pod got past
 *   it is terminated, Completed, exit 0;
 * - a container that will be started again (not an init container that
 *   exited 0) and has a reason from the last sync is waiting with that
 *   reason, its terminated state moving to lastState;
 * - ready: a regular init container once it exited 0; others while running
 *   and ready; started: while running and started.
 * App container statuses come sorted by name, init ones in spec order.
 */
export function containerStatuses(pod: Pod, runtimePod: RuntimePod, init: boolean, inputs: ContainerStatusInputs = {}): ContainerStatus[] {
  return statusesOf(pod, runtimePod, init ? 'init' : 'regular', inputs);
}

/**
 * Statuses of spec.ephemeralContainers, as containerStatuses makes those of
 * app containers, sorted by name; never ready and without `started`, as
 * upstream's prober leaves them alone.
 */
export function ephemeralContainerStatuses(pod: Pod, runtimePod: RuntimePod, inputs: ContainerStatusInputs = {}): ContainerStatus[] {
  return statusesOf(pod, runtimePod, 'ephemeral', inputs);
}

function statusesOf(pod: Pod, runtimePod: RuntimePod, group: 'init' | 'regular' | 'ephemeral', inputs: ContainerStatusInputs): ContainerStatus[] {
  const init = group === 'init';
  const ephemeral = group === 'ephemeral';
  const specs: Container[] = (init ? pod.spec?.initContainers : ephemeral ? pod.spec?.ephemeralContainers : pod.spec?.containers) ?? [];
  const defaultReason = (pod.spec?.initContainers ?? []).length > 0 ? 'PodInitializing' : 'ContainerCreating';
  const old = init ? pod.status?.initContainerStatuses : ephemeral ? pod.status?.ephemeralContainerStatuses : pod.status?.containerStatuses;
  const previous = new Map((old ?? []).map((s) => [s.name, s]));
  const initialized = init && hasAnyRegularContainerCreated(pod, runtimePod);
  const out = specs.map((c): ContainerStatus => {
    const instances = runtimePod.containers.filter((r) => r.name === c.name);
    const status: ContainerStatus = {
      name: c.name,
      image: c.image ?? '',
      imageID: '',
      ready: false,
      restartCount: 0,
      started: false,
      state: { waiting: { reason: defaultReason } },
    };
    const cur = instances[0];
    if (cur) {
      status.state = stateOf(cur);
      status.containerID = containerIdOf(cur);
      status.imageID = cur.imageRef;
      status.restartCount = cur.restartCount;
      const running = cur.state === 'RUNNING';
      status.started = running && (inputs.started?.has(c.name) ?? true);
      if (init && !isSidecar(c)) status.ready = cur.state === 'EXITED' && cur.exitCode === 0;
      else if (!ephemeral) status.ready = status.started && (inputs.ready?.has(c.name) ?? true);
      const prev = instances[1];
      const old = previous.get(c.name);
      if (prev?.state === 'EXITED') status.lastState = stateOf(prev);
      else if (old?.state?.terminated && old.containerID !== status.containerID) status.lastState = { terminated: old.state.terminated };
      else if (old?.lastState?.terminated) status.lastState = { terminated: old.lastState.terminated };
    } else if (init && !isSidecar(c) && initialized) {
      // Removed by the runtime after the pod got past it: it succeeded.
      status.state = { terminated: { exitCode: 0, reason: 'Completed', message: INIT_GONE_MESSAGE } };
      return status;
    }
    if (init && !isSidecar(c) && cur?.state === 'EXITED' && cur.exitCode === 0) return status; // will not run again
    const waiting = inputs.waiting?.get(c.name);
    if (waiting && shouldContainerBeRestarted(c, pod, runtimePod)) {
      if (status.state?.terminated) status.lastState = status.state;
      status.state = { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } };
    }
    return status;
  });
  if (ephemeral) for (const s of out) delete s.started;
  if (!init) out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}
