/**
 * The pod worker's planner (upstream's computePodActions in
 * pkg/kubelet/kuberuntime/kuberuntime_manager.go): from the desired pod and
 * what the runtime reports, the actions of one sync. Pure: no runtime calls.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { findContainer, type RuntimeContainer, type RuntimePod } from './runtime-pod.js';
import { sandboxChanged } from './sandbox-changed.js';
import { computeInitContainerActions } from './init-container-actions.js';
import { hashContainer } from './container-hash.js';
import { hasAnyRegularContainerCreated, isSidecar, lastExited, restartPolicyOf, restartsOnFailure, shouldContainerBeRestarted } from './container-helpers.js';
import type { ContainerInBackOff, ContainerToKill, ContainerToStart, PodActions, StartReason } from './pod-actions.js';

export interface ComputePodActionsOptions {
  /**
   * Names of containers whose current instance failed its liveness probe;
   * the prober clears a name when the container restarts.
   * @default none
   */
  livenessFailed?: ReadonlySet<string>;
  /** Names of containers whose current instance failed its startup probe. @default none */
  startupFailed?: ReadonlySet<string>;
  /**
   * Names of containers whose current instance passed its startup probe. A
   * sidecar with a startupProbe holds back the next init container until it
   * is here. @default none
   */
  startupSucceeded?: ReadonlySet<string>;
  /**
   * CrashLoopBackOff: for a container about to start whose newest exited
   * instance is `lastExited`, the back-off message if it must wait now, or
   * undefined to start it. See CrashLoopBackOff.check. @default never backs off
   */
  backOff?: (container: Container, lastExited: RuntimeContainer) => string | undefined;
}

const NONE: ReadonlySet<string> = new Set();

function basePlan(): PodActions {
  return {
    killPod: false,
    createSandbox: false,
    sandboxAttempt: 0,
    sandboxId: '',
    initContainersToStart: [],
    containersToStart: [],
    ephemeralContainersToStart: [],
    containersToKill: [],
    backOff: [],
  };
}

/** A pod being deleted or already terminal: kill what runs, start nothing. */
function killEverything(runtimePod: RuntimePod): PodActions {
  const plan = basePlan();
  const newest = runtimePod.sandboxes[0];
  plan.killPod = true;
  plan.killPodReason = 'PodDeleted';
  plan.sandboxId = newest?.id ?? '';
  plan.sandboxAttempt = newest?.attempt ?? 0;
  const seen = new Set<string>();
  for (const c of runtimePod.containers) {
    if (seen.has(c.name)) continue;
    seen.add(c.name);
    if (c.state === 'RUNNING' || c.state === 'UNKNOWN' || c.state === 'CREATED') {
      plan.containersToKill.push({ id: c.id, name: c.name, reason: 'PodDeleted', message: `Stopping container ${c.name}` });
    }
  }
  return plan;
}

function startReason(status: RuntimeContainer | undefined): StartReason {
  if (!status) return 'NotCreated';
  if (status.state === 'CREATED') return 'Created';
  if (status.state === 'UNKNOWN') return 'Unknown';
  return 'Exited';
}

/**
 * Moves the containers that are in CrashLoopBackOff out of the start lists.
 * Only a container with an exited instance can back off.
 */
function applyBackOff(pod: Pod, runtimePod: RuntimePod, plan: PodActions, opts: ComputePodActionsOptions): void {
  const check = opts.backOff;
  const filter = (list: ContainerToStart[], specs: Container[]): ContainerToStart[] =>
    list.filter((s) => {
      const exited = lastExited(runtimePod, s.name);
      if (!exited) return true;
      s.lastExitedAt = exited.finishedAt;
      const message = check?.(specs[s.index], exited);
      if (message === undefined) return true;
      const entry: ContainerInBackOff = { name: s.name, index: s.index, kind: s.kind, message };
      plan.backOff.push(entry);
      return false;
    });
  plan.initContainersToStart = filter(plan.initContainersToStart, pod.spec?.initContainers ?? []);
  plan.containersToStart = filter(plan.containersToStart, pod.spec?.containers ?? []);
}

/**
 * The actions of one sync of `pod` against `runtimePod`:
 * - a pod with a deletionTimestamp or a terminal phase: kill everything;
 * - no usable sandbox (none, not ready, several ready, wrong network mode,
 *   no IP): kill the pod and create sandbox attempt+1, starting over with
 *   the first init container or all app containers (OnFailure skips those
 *   that succeeded); a restartPolicy Never pod that already ran containers
 *   is not given a new sandbox, and neither is an initialized pod with
 *   nothing left to start;
 * - init containers and sidecars per computeInitContainerActions; a failed
 *   init container with restartPolicy Never kills the pod; app containers
 *   wait until initialization is done;
 * - an app container that is not running starts per
 *   shouldContainerBeRestarted (an UNKNOWN one is killed first);
 * - a running one whose hash changed is killed and started again whatever
 *   the restartPolicy; one failing its liveness or startup probe is killed,
 *   and started again unless restartPolicy is Never;
 * - ephemeral containers without an instance start (once the sandbox
 *   exists and unless the pod is killed), before initialization is done;
 *   they are never restarted and do not keep the pod running;
 * - nothing running and nothing to start: kill the pod;
 * - finally, containers in CrashLoopBackOff leave the start lists for
 *   `backOff`.
 */
export function computePodActions(pod: Pod, runtimePod: RuntimePod, opts: ComputePodActionsOptions = {}): PodActions {
  const phase = pod.status?.phase;
  if (pod.metadata?.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed') return killEverything(runtimePod);

  const containers = pod.spec?.containers ?? [];
  const inits = pod.spec?.initContainers ?? [];
  const sandbox = sandboxChanged(pod, runtimePod);
  const plan = basePlan();
  plan.killPod = sandbox.changed;
  plan.createSandbox = sandbox.changed;
  plan.sandboxAttempt = sandbox.attempt;
  plan.sandboxId = sandbox.sandboxId;
  if (sandbox.changed) plan.killPodReason = 'SandboxChanged';

  if (sandbox.changed) {
    if (!restartsOnFailure(pod) && sandbox.attempt !== 0 && runtimePod.containers.length !== 0) {
      plan.createSandbox = false;
      return plan;
    }
    const toStart: ContainerToStart[] = [];
    containers.forEach((c, index) => {
      const s = findContainer(runtimePod, c.name);
      if (restartPolicyOf(pod) === 'OnFailure' && s?.state === 'EXITED' && s.exitCode === 0) return;
      toStart.push({ name: c.name, index, kind: 'regular', reason: 'SandboxChanged' });
    });
    if (toStart.length === 0 && hasAnyRegularContainerCreated(pod, runtimePod)) {
      plan.createSandbox = false;
      return plan;
    }
    if (inits.length > 0) {
      plan.initContainersToStart = [{ name: inits[0].name, index: 0, kind: isSidecar(inits[0]) ? 'sidecar' : 'init', reason: 'SandboxChanged' }];
    } else {
      plan.containersToStart = toStart;
    }
    applyBackOff(pod, runtimePod, plan, opts);
    return plan;
  }

  const probes = {
    livenessFailed: opts.livenessFailed ?? NONE,
    startupFailed: opts.startupFailed ?? NONE,
    startupSucceeded: opts.startupSucceeded ?? NONE,
  };
  // Ephemeral containers may start before initialization is done, and never restart.
  (pod.spec?.ephemeralContainers ?? []).forEach((c, index) => {
    if (!findContainer(runtimePod, c.name)) plan.ephemeralContainersToStart.push({ name: c.name, index, kind: 'ephemeral', reason: 'NotCreated' });
  });
  const init = computeInitContainerActions(pod, runtimePod, probes);
  plan.containersToKill.push(...init.toKill);
  if (init.failed) {
    plan.killPod = true;
    plan.killPodReason = 'InitContainerFailed';
    plan.ephemeralContainersToStart = [];
    return plan;
  }
  plan.initContainersToStart = init.toStart;
  if (!init.initialized) {
    applyBackOff(pod, runtimePod, plan, opts);
    return plan;
  }

  let keep = 0;
  containers.forEach((c, index) => {
    const status = findContainer(runtimePod, c.name);
    if (!status || status.state !== 'RUNNING') {
      if (!shouldContainerBeRestarted(c, pod, runtimePod)) return;
      plan.containersToStart.push({ name: c.name, index, kind: 'regular', reason: startReason(status) });
      if (status?.state === 'UNKNOWN') {
        plan.containersToKill.push({ id: status.id, name: c.name, reason: 'Unknown', message: `Container is in "unknown" state, try killing it before restart` });
      }
      return;
    }
    let kill: Pick<ContainerToKill, 'reason' | 'message'>;
    let restart = restartsOnFailure(pod);
    if (status.hash !== hashContainer(c)) {
      kill = { reason: 'DefinitionChanged', message: `Container ${c.name} definition changed` };
      restart = true;
    } else if (probes.livenessFailed.has(c.name)) {
      kill = { reason: 'LivenessProbe', message: `Container ${c.name} failed liveness probe` };
    } else if (probes.startupFailed.has(c.name)) {
      kill = { reason: 'StartupProbe', message: `Container ${c.name} failed startup probe` };
    } else {
      keep++;
      return;
    }
    if (restart) {
      kill.message += ', will be restarted';
      plan.containersToStart.push({ name: c.name, index, kind: 'regular', reason: 'Restart' });
    }
    plan.containersToKill.push({ id: status.id, name: c.name, ...kill });
  });

  if (keep === 0 && plan.containersToStart.length === 0) {
    plan.killPod = true;
    plan.killPodReason = 'NoContainersToRun';
    // Sidecars must not keep a finished pod alive; nothing starts in a sandbox being stopped.
    plan.initContainersToStart = [];
    plan.ephemeralContainersToStart = [];
  }
  applyBackOff(pod, runtimePod, plan, opts);
  return plan;
}
