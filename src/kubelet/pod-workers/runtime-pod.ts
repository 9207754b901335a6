/**
 * What the runtime reports for one pod, as plain data (upstream's
 * kubecontainer.PodStatus): its sandboxes and containers, newest first.
 * Built from CRI list and status results; the planner and the status
 * generator read only this.
 */
import type {
  Container as CriContainer,
  ContainerStatus as CriContainerStatus,
  PodSandbox as CriPodSandbox,
  PodSandboxStatus as CriPodSandboxStatus,
} from '../runtime/cri/types.js';
import {
  CONTAINER_HASH_ANNOTATION,
  CONTAINER_NAME_LABEL,
  CONTAINER_RESTART_COUNT_ANNOTATION,
  CONTAINER_TYPE_ANNOTATION,
  POD_NAME_LABEL,
  POD_NAMESPACE_LABEL,
  POD_UID_LABEL,
} from './labels.js';

export type SandboxState = 'READY' | 'NOTREADY';

export interface RuntimeSandbox {
  id: string;
  state: SandboxState;
  /** Grows by one each time the kubelet recreates the pod's sandbox. */
  attempt: number;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Primary pod IP; '' when the sandbox has none (yet), undefined when unknown (a list result). */
  ip?: string;
  /** All pod IPs, primary first. */
  ips: string[];
  /** The sandbox's network namespace mode, when the runtime reported it. */
  networkNamespace?: 'POD' | 'NODE' | 'CONTAINER' | 'TARGET';
}

export type RuntimeContainerState = 'CREATED' | 'RUNNING' | 'EXITED' | 'UNKNOWN';

/** From the io.kubernetes.container.type annotation; whether an init container is a sidecar is the spec's to say. */
export type RuntimeContainerType = 'init' | 'regular' | 'ephemeral';

export interface RuntimeContainer {
  id: string;
  sandboxId?: string;
  name: string;
  state: RuntimeContainerState;
  restartCount: number;
  exitCode: number;
  /** The runtime's reason ("Completed", "Error", "OOMKilled"), '' if none. */
  reason: string;
  message: string;
  /** Epoch milliseconds; 0 when not reached. */
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  /** The io.kubernetes.container.hash annotation ('' if absent). */
  hash: string;
  image: string;
  imageRef: string;
  type: RuntimeContainerType;
}

export interface RuntimePod {
  uid: string;
  name: string;
  namespace: string;
  /** Newest first (by createdAt). */
  sandboxes: RuntimeSandbox[];
  /** Newest first (by createdAt): the first one per name is its current instance. */
  containers: RuntimeContainer[];
}

/** A pod the runtime knows nothing about. */
export function emptyRuntimePod(uid: string, name = '', namespace = ''): RuntimePod {
  return { uid, name, namespace, sandboxes: [], containers: [] };
}

/** CRI timestamps are nanoseconds; the runtime pod keeps milliseconds. */
function nsToMs(ns: number | undefined): number {
  return ns ? Math.floor(ns / 1e6) : 0;
}

const CONTAINER_STATES: Record<string, RuntimeContainerState> = {
  CONTAINER_CREATED: 'CREATED',
  CONTAINER_RUNNING: 'RUNNING',
  CONTAINER_EXITED: 'EXITED',
  CONTAINER_UNKNOWN: 'UNKNOWN',
};

/** One CRI sandbox (a ListPodSandbox item, or PodSandboxStatus with its network) as plain data. */
export function toRuntimeSandbox(s: CriPodSandbox | CriPodSandboxStatus): RuntimeSandbox {
  const out: RuntimeSandbox = {
    id: s.id,
    state: s.state === 'SANDBOX_READY' ? 'READY' : 'NOTREADY',
    attempt: s.metadata?.attempt ?? 0,
    createdAt: nsToMs(s.createdAt),
    ips: [],
  };
  if ('network' in s && s.network) {
    out.ip = s.network.ip ?? '';
    out.ips = [s.network.ip, ...(s.network.additionalIps ?? []).map((a) => a.ip)].filter((ip) => !!ip);
  } else if ('network' in s) {
    out.ip = '';
  }
  const mode = 'linux' in s ? s.linux?.namespaces?.options?.network : undefined;
  if (mode) out.networkNamespace = mode;
  return out;
}

/**
 * One CRI container as plain data: a ContainerStatus (full), a ListContainers
 * item (no exit code, times or reason), or a ContainerStatus merged with its
 * list item's podSandboxId (the status alone does not name its sandbox).
 */
export function toRuntimeContainer(c: CriContainer | CriContainerStatus): RuntimeContainer {
  const annotations = c.annotations ?? {};
  const restart = Number.parseInt(annotations[CONTAINER_RESTART_COUNT_ANNOTATION] ?? '', 10);
  const type = annotations[CONTAINER_TYPE_ANNOTATION];
  const status = 'startedAt' in c ? c : undefined;
  return {
    id: c.id,
    ...('podSandboxId' in c ? { sandboxId: c.podSandboxId } : {}),
    name: c.labels?.[CONTAINER_NAME_LABEL] ?? c.metadata?.name ?? '',
    state: CONTAINER_STATES[c.state] ?? 'UNKNOWN',
    restartCount: Number.isFinite(restart) ? restart : c.metadata?.attempt ?? 0,
    exitCode: status?.exitCode ?? 0,
    reason: status?.reason ?? '',
    message: status?.message ?? '',
    createdAt: nsToMs(c.createdAt),
    startedAt: nsToMs(status?.startedAt),
    finishedAt: nsToMs(status?.finishedAt),
    hash: annotations[CONTAINER_HASH_ANNOTATION] ?? '',
    image: c.image?.image ?? '',
    imageRef: c.imageRef ?? '',
    type: type === 'init' ? 'init' : type === 'ephemeral' ? 'ephemeral' : 'regular',
  };
}

function newestFirst<T extends { createdAt: number }>(a: T, b: T): number {
  return b.createdAt - a.createdAt;
}

/**
 * Groups CRI sandboxes and containers by the io.kubernetes.pod.uid label (a
 * sandbox falls back to its metadata uid). Objects without a pod uid are not
 * the kubelet's and are left out. Each pod's lists come newest first.
 */
export function groupRuntimePods(
  sandboxes: ReadonlyArray<CriPodSandbox | CriPodSandboxStatus>,
  containers: ReadonlyArray<CriContainer | CriContainerStatus>,
): Map<string, RuntimePod> {
  const pods = new Map<string, RuntimePod>();
  const podOf = (uid: string, labels: Record<string, string>, name = '', namespace = ''): RuntimePod => {
    let p = pods.get(uid);
    if (!p) pods.set(uid, (p = emptyRuntimePod(uid, labels[POD_NAME_LABEL] ?? name, labels[POD_NAMESPACE_LABEL] ?? namespace)));
    return p;
  };
  for (const s of sandboxes) {
    const labels = s.labels ?? {};
    const uid = labels[POD_UID_LABEL] ?? s.metadata?.uid;
    if (!uid) continue;
    podOf(uid, labels, s.metadata?.name, s.metadata?.namespace).sandboxes.push(toRuntimeSandbox(s));
  }
  for (const c of containers) {
    const labels = c.labels ?? {};
    const uid = labels[POD_UID_LABEL];
    if (!uid) continue;
    podOf(uid, labels).containers.push(toRuntimeContainer(c));
  }
  for (const p of pods.values()) {
    p.sandboxes.sort(newestFirst);
    p.containers.sort(newestFirst);
  }
  return pods;
}

/** The newest instance of the container called `name`, if the runtime has one. */
export function findContainer(pod: RuntimePod, name: string): RuntimeContainer | undefined {
  return pod.containers.find((c) => c.name === name);
}
