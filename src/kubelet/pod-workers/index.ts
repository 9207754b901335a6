/**
 * The pure half of a pod worker (issue 12): what the runtime reports as
 * plain data, the plan of one sync (computePodActions), CrashLoopBackOff,
 * and the pod status computed from runtime state. No I/O here; the worker
 * that talks to the CRI and the API carries these out.
 */
export * from './labels.js';
export { groupRuntimePods, emptyRuntimePod, findContainer, toRuntimeContainer, toRuntimeSandbox, type RuntimePod, type RuntimeSandbox, type RuntimeContainer, type RuntimeContainerState, type RuntimeContainerType, type SandboxState } from './runtime-pod.js';
export { hashContainer, fnv32a } from './container-hash.js';
export { sandboxChanged, type SandboxVerdict } from './sandbox-changed.js';
export { isSidecar, shouldContainerBeRestarted, formatPod } from './container-helpers.js';
export type { PodActions, ContainerToStart, ContainerToKill, ContainerInBackOff, ContainerKind, StartReason, KillReason, KillPodReason } from './pod-actions.js';
export { computePodActions, type ComputePodActionsOptions } from './compute-pod-actions.js';
export { CrashLoopBackOff, backOffKey, formatGoDuration, INITIAL_BACK_OFF_MS, MAX_BACK_OFF_MS, type CrashLoopBackOffOptions } from './crash-loop-backoff.js';
export { containerStatuses, stateOf, containerIdOf, type ContainerStatusInputs, type WaitingReason } from './container-statuses.js';
export { podPhaseOf, type PodPhase } from './pod-phase.js';
export { generatePodStatus, waitingReasonsOf, type GeneratePodStatusOptions } from './pod-status.js';
