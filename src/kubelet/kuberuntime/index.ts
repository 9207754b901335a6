/**
 * The pod worker's actor over the CRI (upstream's pkg/kubelet/kuberuntime):
 * sandbox and container configs from the pod, images per pull policy,
 * reading a pod's runtime state, and syncPod carrying out a plan.
 */
export { podSandboxConfig, podLogsDirectory, namespaceOptionsOf, DEFAULT_POD_LOGS_DIR, type SandboxConfigOptions } from './sandbox-config.js';
export { containerConfig, type ContainerConfigInputs } from './container-config.js';
export { ContainerConfigError, makeEnvironmentVariables, expandVars, type EnvContext } from './env.js';
export { serviceEnvVarMap, fromServices } from './service-env.js';
export { linuxContainerResources, containerOOMScoreAdjust, milliCPUToShares, milliCPUToQuota } from './container-resources.js';
export { podCgroupParent, removePodCgroups } from './pod-cgroups.js';
export { effectiveSecurityContext, verifyRunAsNonRoot, linuxContainerSecurityContext, linuxSandboxSecurityContext, type ImageUser } from './security-context.js';
export { terminationMessageMount, terminationMessageOf, lastLogLines } from './termination-message.js';
export { ImagePuller, pullPolicyOf, type EnsureImageResult } from './image-puller.js';
export { readRuntimePod } from './runtime-state.js';
export { syncPod, killPod, killContainer, killGracePeriod, MIN_GRACE_PERIOD_SECONDS, type KillOptions, type SyncPodOptions, type SyncPodResult, type PodEventSink } from './sync-pod.js';
export { runLifecycleHandler, runPostStartHook, executePreStopHook, POST_START_HOOK_ERROR, type HookTarget, type HookEvents } from './lifecycle-hooks.js';
