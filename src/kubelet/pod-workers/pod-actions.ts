/**
 * The plan one sync of a pod worker carries out (upstream's podActions in
 * pkg/kubelet/kuberuntime/kuberuntime_manager.go), as plain data.
 */

/**
 * Where a container sits in the spec: a regular init container, a sidecar
 * (an init container with restartPolicy Always), an app container, or an
 * ephemeral container (spec.ephemeralContainers: started once, never
 * restarted or probed).
 */
export type ContainerKind = 'init' | 'sidecar' | 'regular' | 'ephemeral';

/** Why a container is to be started. */
export type StartReason =
  /** The runtime has no instance of it. */
  | 'NotCreated'
  /** Its newest instance was created but never started. */
  | 'Created'
  /** Its newest instance exited and the restart policy restarts it. */
  | 'Exited'
  /** Its newest instance is in an unknown state (it is killed first). */
  | 'Unknown'
  /** It is being killed (spec changed, probe failed) and comes back. */
  | 'Restart'
  /** The sandbox is new: the pod starts over. */
  | 'SandboxChanged';

/** Why a container is to be killed. */
export type KillReason = 'DefinitionChanged' | 'LivenessProbe' | 'StartupProbe' | 'Unknown' | 'PodDeleted';

/** Why the whole pod (every container and the sandbox) is to be killed. */
export type KillPodReason =
  /** The sandbox is gone, not ready or changed. */
  | 'SandboxChanged'
  /** The pod has a deletionTimestamp or a terminal phase. */
  | 'PodDeleted'
  /** An init container failed and restartPolicy is Never. */
  | 'InitContainerFailed'
  /** No container runs and none is to be started: the pod is done. */
  | 'NoContainersToRun';

export interface ContainerToStart {
  name: string;
  /** Index in spec.initContainers (init, sidecar), spec.containers (regular) or spec.ephemeralContainers (ephemeral). */
  index: number;
  kind: ContainerKind;
  reason: StartReason;
  /** finishedAt (epoch ms) of the newest exited instance: the CrashLoopBackOff event time. */
  lastExitedAt?: number;
}

export interface ContainerToKill {
  /** Runtime container id. */
  id: string;
  name: string;
  reason: KillReason;
  /** For the event and the log, e.g. "Container app failed liveness probe, will be restarted". */
  message: string;
}

/** A container that should start but is in CrashLoopBackOff: reported as waiting, not started. */
export interface ContainerInBackOff {
  name: string;
  index: number;
  kind: ContainerKind;
  /** "back-off 10s restarting failed container=app pod=web_default(uid)". */
  message: string;
}

export interface PodActions {
  /** Kill every container and the sandbox before anything else. */
  killPod: boolean;
  killPodReason?: KillPodReason;
  /**
   * Create a new sandbox (after killPod). The pod starts over: the actor
   * removes the old init containers first (upstream's purgeInitContainers),
   * or the next plan would count them as done.
   */
  createSandbox: boolean;
  /** The attempt of the sandbox to create, or of the current one. */
  sandboxAttempt: number;
  /** The newest sandbox: to be killed when killPod, else the one to start containers in; '' if none. */
  sandboxId: string;
  /** Init containers and sidecars to start, in spec order. */
  initContainersToStart: ContainerToStart[];
  /** App containers to start, in spec order. */
  containersToStart: ContainerToStart[];
  /**
   * Ephemeral containers that have no instance yet, in spec order; started
   * before init containers, whatever the state of initialization.
   */
  ephemeralContainersToStart: ContainerToStart[];
  /** Containers to kill when the pod itself is not killed (killPod kills all). */
  containersToKill: ContainerToKill[];
  /** Containers that would start but are backing off; they are in neither start list. */
  backOff: ContainerInBackOff[];
}
