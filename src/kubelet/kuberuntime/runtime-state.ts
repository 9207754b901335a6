/**
 * What the runtime has for one pod, read through the CRI (upstream's
 * GetPodStatus in kuberuntime_manager.go): its sandboxes with their
 * network, its containers with their full status.
 */
import type { RuntimeService } from '../runtime/cri/services.js';
import type { ContainerStatus, PodSandboxStatus } from '../runtime/cri/types.js';
import { isNotFound } from '../grpc/errors.js';
import { POD_UID_LABEL } from '../pod-workers/labels.js';
import { emptyRuntimePod, groupRuntimePods, type RuntimePod } from '../pod-workers/runtime-pod.js';
import { withTerminationMessage } from './termination-message.js';

/**
 * The runtime pod of `uid`: ListPodSandbox and ListContainers by the
 * io.kubernetes.pod.uid label, then PodSandboxStatus and ContainerStatus
 * of each (an object removed meanwhile is left out); an exited container's
 * message carries its termination message.
 */
export async function readRuntimePod(runtime: RuntimeService, uid: string): Promise<RuntimePod> {
  const selector = { labelSelector: { [POD_UID_LABEL]: uid } };
  const [sandboxes, containers] = await Promise.all([runtime.listPodSandbox(selector), runtime.listContainers(selector)]);
  const sandboxStatuses: PodSandboxStatus[] = [];
  for (const s of sandboxes) {
    const st = await orUndefined(runtime.podSandboxStatus(s.id));
    if (st?.status) sandboxStatuses.push({ ...st.status, labels: { ...s.labels, ...st.status.labels } });
  }
  const containerStatuses: Array<ContainerStatus & { podSandboxId: string }> = [];
  for (const c of containers) {
    const st = await orUndefined(runtime.containerStatus(c.id));
    if (st?.status) containerStatuses.push({ ...(await withTerminationMessage(st.status)), podSandboxId: c.podSandboxId });
  }
  return groupRuntimePods(sandboxStatuses, containerStatuses).get(uid) ?? emptyRuntimePod(uid);
}

async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
