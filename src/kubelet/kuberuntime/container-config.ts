/**
 * The ContainerConfig of one container of a pod (upstream's
 * generateContainerConfig in pkg/kubelet/kuberuntime/kuberuntime_container.go).
 * Pure; throws ContainerConfigError for what k8ts does not support yet.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerConfig, KeyValue, Mount } from '../runtime/cri/types.js';
import {
  CONTAINER_HASH_ANNOTATION, CONTAINER_NAME_LABEL, CONTAINER_RESTART_COUNT_ANNOTATION, CONTAINER_TYPE_ANNOTATION,
  POD_NAME_LABEL, POD_NAMESPACE_LABEL, POD_UID_LABEL, TERMINATION_MESSAGE_PATH_ANNOTATION, TERMINATION_MESSAGE_POLICY_ANNOTATION,
} from '../pod-workers/labels.js';
import { hashContainer } from '../pod-workers/container-hash.js';
import type { ContainerKind } from '../pod-workers/pod-actions.js';
import { ContainerConfigError, expandCommand } from './env.js';
import { linuxContainerSecurityContext, verifyRunAsNonRoot, type ImageUser } from './security-context.js';
import { linuxContainerResources } from './container-resources.js';

export const TERMINATION_GRACE_PERIOD_ANNOTATION = 'io.kubernetes.pod.terminationGracePeriod';
export const CONTAINER_PORTS_ANNOTATION = 'io.kubernetes.container.ports';

export interface ContainerConfigInputs {
  container: Container;
  kind: ContainerKind;
  /** metadata.attempt, the restartCount annotation and the log file name. */
  restartCount: number;
  /** The image reference the runtime resolved. */
  imageRef: string;
  /** The container's CRI mounts (volumes/containerMounts). @default none */
  mounts?: Mount[];
  /** The resolved environment (makeEnvironmentVariables). @default none */
  envs?: KeyValue[];
  /** The image's user (imageUser). @default unknown: root */
  imageUser?: ImageUser;
  /** The node's memory in bytes, for the Burstable OOM score. @default 0: 999 */
  memoryCapacity?: number;
  /** The termination-log mount (terminationMessageMount). @default none */
  terminationMessageMount?: Mount;
  /** Localhost seccomp profiles live under <rootDir>/seccomp. @default /var/lib/kubelet */
  rootDir?: string;
  /**
   * An ephemeral container's target (targetContainerName): the running
   * container whose process namespace it joins, unless the pod's namespace
   * is shared or the host's. @default none
   */
  targetContainerId?: string;
}

/**
 * The config: metadata {name, attempt = restartCount}, the resolved image,
 * command/args with `$(VAR)` expanded against `envs`, working dir, the four
 * kubelet labels, the annotations a restarted kubelet reads back, log_path
 * `<name>/<restartCount>.log`, the volume mounts it is given and the
 * termination-log mount, and the linux resources and security context
 * (PID namespace TARGET with the target's id for an ephemeral container
 * with a target, as upstream's generateLinuxContainerConfig).
 * Throws ContainerConfigError when runAsNonRoot cannot hold.
 */
export function containerConfig(pod: Pod, inputs: ContainerConfigInputs): ContainerConfig {
  const { container: c, restartCount } = inputs;
  const m = pod.metadata ?? {};
  verifyRunAsNonRoot(pod, c, inputs.imageUser ?? { uid: 0 });
  const envs = inputs.envs ?? [];
  const command = expandCommand(c.command, envs);
  const args = expandCommand(c.args, envs);
  const annotations: Record<string, string> = {
    [CONTAINER_HASH_ANNOTATION]: hashContainer(c),
    [CONTAINER_RESTART_COUNT_ANNOTATION]: String(restartCount),
    [CONTAINER_TYPE_ANNOTATION]: inputs.kind === 'regular' ? 'container' : inputs.kind === 'ephemeral' ? 'ephemeral' : 'init',
    [TERMINATION_MESSAGE_PATH_ANNOTATION]: c.terminationMessagePath ?? '/dev/termination-log',
    [TERMINATION_MESSAGE_POLICY_ANNOTATION]: c.terminationMessagePolicy ?? 'File',
    [TERMINATION_GRACE_PERIOD_ANNOTATION]: String(pod.spec?.terminationGracePeriodSeconds ?? 30),
  };
  if ((c.ports ?? []).length > 0) annotations[CONTAINER_PORTS_ANNOTATION] = JSON.stringify(c.ports);
  const securityContext = linuxContainerSecurityContext(pod, c, inputs.imageUser ?? {}, inputs.rootDir);
  if (inputs.targetContainerId && securityContext.namespaceOptions?.pid === 'CONTAINER') {
    securityContext.namespaceOptions = { ...securityContext.namespaceOptions, pid: 'TARGET', targetId: inputs.targetContainerId };
  }
  return {
    metadata: { name: c.name, attempt: restartCount },
    image: { image: inputs.imageRef },
    ...(command?.length ? { command } : {}),
    ...(args?.length ? { args } : {}),
    ...(c.workingDir ? { workingDir: c.workingDir } : {}),
    ...(envs.length ? { envs } : {}),
    ...mountsOf(inputs.mounts, inputs.terminationMessageMount),
    labels: {
      [POD_NAME_LABEL]: m.name ?? '', [POD_NAMESPACE_LABEL]: m.namespace ?? 'default', [POD_UID_LABEL]: m.uid ?? '', [CONTAINER_NAME_LABEL]: c.name,
    },
    annotations,
    logPath: `${c.name}/${restartCount}.log`,
    ...(c.stdin ? { stdin: true } : {}),
    ...(c.stdinOnce ? { stdinOnce: true } : {}),
    ...(c.tty ? { tty: true } : {}),
    linux: {
      resources: linuxContainerResources(pod, c, inputs.memoryCapacity ?? 0),
      securityContext,
    },
  };
}

/** The volume mounts, then the termination-log mount. */
function mountsOf(mounts: readonly Mount[] | undefined, terminationMessage: Mount | undefined): { mounts?: Mount[] } {
  const all = [...mounts ?? [], ...terminationMessage ? [terminationMessage] : []];
  return all.length ? { mounts: all } : {};
}
