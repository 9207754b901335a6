/** Pods and runtime states for the pod-worker planner and status tests. */
import type { Container, EphemeralContainer, Pod } from 'kubernetes-types/core/v1.js';
import { hashContainer } from '../../../src/kubelet/pod-workers/container-hash.js';
import type { RuntimeContainer, RuntimePod, RuntimeSandbox } from '../../../src/kubelet/pod-workers/runtime-pod.js';

export const T0 = Date.parse('2026-12-07T10:00:00Z');

export function c(name: string, extra: Partial<Container> = {}): Container {
  return { name, image: `img/${name}:1`, ...extra };
}

export function sidecar(name: string, extra: Partial<Container> = {}): Container {
  return c(name, { restartPolicy: 'Always', ...extra });
}

export function pod(spec: { containers?: Container[]; initContainers?: Container[]; ephemeralContainers?: EphemeralContainer[]; restartPolicy?: 'Always' | 'OnFailure' | 'Never'; hostNetwork?: boolean }, extra: Partial<Pod> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'u1' },
    spec: {
      containers: spec.containers ?? [c('app')], initContainers: spec.initContainers, restartPolicy: spec.restartPolicy ?? 'Always',
      ...(spec.hostNetwork ? { hostNetwork: true } : {}), ...(spec.ephemeralContainers ? { ephemeralContainers: spec.ephemeralContainers } : {}),
    },
    ...extra,
  };
}

export function sandbox(extra: Partial<RuntimeSandbox> = {}): RuntimeSandbox {
  return { id: 'sb1', state: 'READY', attempt: 0, createdAt: T0, ip: '10.42.0.5', ips: ['10.42.0.5'], ...extra };
}

let seq = 0;
/** A runtime instance of spec container `spec`; newer instances get later createdAt. */
export function ctr(spec: Container, state: RuntimeContainer['state'], extra: Partial<RuntimeContainer> = {}): RuntimeContainer {
  seq++;
  return {
    id: `${spec.name}-${seq}`,
    name: spec.name,
    state,
    restartCount: 0,
    exitCode: 0,
    reason: '',
    message: '',
    createdAt: T0 + seq * 1000,
    startedAt: state === 'CREATED' ? 0 : T0 + 5_000,
    finishedAt: state === 'EXITED' ? T0 + 65_000 : 0,
    hash: hashContainer(spec),
    image: spec.image ?? '',
    imageRef: `sha256:${spec.name}`,
    type: 'regular',
    ...extra,
  };
}

export function exited(spec: Container, exitCode: number, extra: Partial<RuntimeContainer> = {}): RuntimeContainer {
  return ctr(spec, 'EXITED', { exitCode, ...extra });
}

/** A runtime pod; containers are given oldest first and stored newest first, like groupRuntimePods does. */
export function runtime(sandboxes: RuntimeSandbox[], containers: RuntimeContainer[] = []): RuntimePod {
  return {
    uid: 'u1',
    name: 'web',
    namespace: 'default',
    sandboxes: [...sandboxes].sort((a, b) => b.createdAt - a.createdAt),
    containers: [...containers].sort((a, b) => b.createdAt - a.createdAt),
  };
}
