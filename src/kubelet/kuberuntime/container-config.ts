/**
 * The ContainerConfig of one container of a pod (upstream's
 * generateContainerConfig in pkg/kubelet/kuberuntime/kuberuntime_container.go).
 * Pure; throws ContainerConfigError for what k8ts does not support yet.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerConfig, Mount } from '../runtime/cri/types.js';
import {
  CONTAINER_HASH_ANNOTATION, CONTAINER_NAME_LABEL, CONTAINER_RESTART_COUNT_ANNOTATION, CONTAINER_TYPE_ANNOTATION,
  POD_NAME_LABEL, POD_NAMESPACE_LABEL, POD_UID_LABEL, TERMINATION_MESSAGE_PATH_ANNOTATION, TERMINATION_MESSAGE_POLICY_ANNOTATION,
} from '../pod-workers/labels.js';
import { hashContainer } from '../pod-workers/container-hash.js';
import type { ContainerKind } from '../pod-workers/pod-actions.js';
import { containerEnvs, expandCommand } from './env.js';
import { namespaceOptionsOf } from './sandbox-config.js';

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
}

/**
 * The config: metadata {name, attempt = restartCount}, the resolved image,
 * command/args and env with `$(VAR)` expanded, working dir, the four
 * kubelet labels, the annotations a restarted kubelet reads back, and
 * log_path `<name>/<restartCount>.log`, and the mounts it is given.
 */
export function containerConfig(pod: Pod, inputs: ContainerConfigInputs): ContainerConfig {
  const { container: c, restartCount } = inputs;
  const m = pod.metadata ?? {};
  const envs = containerEnvs(c);
  const command = expandCommand(c.command, envs);
  const args = expandCommand(c.args, envs);
  const annotations: Record<string, string> = {
    [CONTAINER_HASH_ANNOTATION]: hashContainer(c),
    [CONTAINER_RESTART_COUNT_ANNOTATION]: String(restartCount),
    [CONTAINER_TYPE_ANNOTATION]: inputs.kind === 'regular' ? 'container' : 'init',
    [TERMINATION_MESSAGE_PATH_ANNOTATION]: c.terminationMessagePath ?? '/dev/termination-log',
    [TERMINATION_MESSAGE_POLICY_ANNOTATION]: c.terminationMessagePolicy ?? 'File',
    [TERMINATION_GRACE_PERIOD_ANNOTATION]: String(pod.spec?.terminationGracePeriodSeconds ?? 30),
  };
  if ((c.ports ?? []).length > 0) annotations[CONTAINER_PORTS_ANNOTATION] = JSON.stringify(c.ports);
  return {
    metadata: { name: c.name, attempt: restartCount },
    image: { image: inputs.imageRef },
    ...(command?.length ? { command } : {}),
    ...(args?.length ? { args } : {}),
    ...(c.workingDir ? { workingDir: c.workingDir } : {}),
    ...(envs.length ? { envs } : {}),
    ...(inputs.mounts?.length ? { mounts: inputs.mounts } : {}),
    labels: {
      [POD_NAME_LABEL]: m.name ?? '', [POD_NAMESPACE_LABEL]: m.namespace ?? 'default', [POD_UID_LABEL]: m.uid ?? '', [CONTAINER_NAME_LABEL]: c.name,
    },
    annotations,
    logPath: `${c.name}/${restartCount}.log`,
    ...(c.stdin ? { stdin: true } : {}),
    ...(c.stdinOnce ? { stdinOnce: true } : {}),
    ...(c.tty ? { tty: true } : {}),
    linux: { securityContext: { namespaceOptions: namespaceOptionsOf(pod), ...(c.securityContext?.privileged ? { privileged: true } : {}) } },
  };
}
