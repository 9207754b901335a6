/**
 * A pod's status as the kubelet reports it (upstream's generateAPIPodStatus
 * in pkg/kubelet/kubelet_pods.go, with the status manager's
 * lastTransitionTime rule): computed from runtime state every sync, never
 * remembered.
 */
import type { Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { podQOSClass } from '../../api/pods/qos.js';
import { rfc3339Seconds } from '../../api/time.js';
import type { RuntimePod } from './runtime-pod.js';
import { sandboxChanged } from './sandbox-changed.js';
import { containerStatuses, ephemeralContainerStatuses, type ContainerStatusInputs, type WaitingReason } from './container-statuses.js';
import { podPhaseOf } from './pod-phase.js';
import {
  KUBELET_CONDITION_TYPES,
  containersReadyCondition,
  initializedCondition,
  readyCondition,
  readyToStartContainersCondition,
} from './pod-conditions.js';
import type { PodActions } from './pod-actions.js';

export interface GeneratePodStatusOptions extends ContainerStatusInputs {
  /** Epoch ms: startTime of a pod that has none, lastTransitionTime of changed conditions. */
  now: number;
  /** The node's IPs, primary first (hostIP, hostIPs; a hostNetwork pod's podIPs). @default none */
  hostIPs?: readonly string[];
  /** The pod worker knows the pod is done: its containers will not run again. @default false */
  podIsTerminal?: boolean;
}

/** The CrashLoopBackOff waits of a plan, as waiting reasons for the status. */
export function waitingReasonsOf(plan: Pick<PodActions, 'backOff'>, others?: ReadonlyMap<string, WaitingReason>): Map<string, WaitingReason> {
  const out = new Map(others ?? []);
  for (const b of plan.backOff) out.set(b.name, { reason: 'CrashLoopBackOff', message: b.message });
  return out;
}

/** The newest sandbox's IPs, if it is ready. */
function podIPsOf(runtimePod: RuntimePod): string[] {
  const s = runtimePod.sandboxes[0];
  return s?.state === 'READY' ? s.ips : [];
}

/** Keeps lastTransitionTime from the old condition of the same type and status, else `now`. */
function stamp(c: PodCondition, old: readonly PodCondition[], now: string): PodCondition {
  const prev = old.find((o) => o.type === c.type);
  return { ...c, lastTransitionTime: prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now };
}

/**
 * The status of `pod` given what the runtime reports:
 * - initContainerStatuses and containerStatuses per containerStatuses,
 *   ephemeralContainerStatuses when the pod has ephemeral containers (they
 *   count for neither phase nor conditions);
 * - phase per podPhaseOf, never moving back from Succeeded or Failed;
 * - conditions: the pod's conditions not owned by the kubelet kept, then
 *   PodReadyToStartContainers, Initialized, Ready, ContainersReady and
 *   PodScheduled (True), each keeping its lastTransitionTime while its
 *   status is unchanged;
 * - podIP(s) from the newest ready sandbox (the host's for hostNetwork),
 *   hostIP(s) from the options, startTime kept or now, qosClass.
 */
export function generatePodStatus(pod: Pod, runtimePod: RuntimePod, opts: GeneratePodStatusOptions): PodStatus {
  const now = rfc3339Seconds(opts.now);
  const initContainerStatuses = containerStatuses(pod, runtimePod, true, opts);
  const appContainerStatuses = containerStatuses(pod, runtimePod, false, opts);
  const all = [...initContainerStatuses, ...appContainerStatuses];

  const oldPhase = pod.status?.phase;
  let phase = podPhaseOf(pod, all, opts.podIsTerminal ?? false);
  if ((oldPhase === 'Succeeded' || oldPhase === 'Failed') && phase !== oldPhase) phase = oldPhase;

  const oldConditions = pod.status?.conditions ?? [];
  const conditions: PodCondition[] = oldConditions.filter((c) => !KUBELET_CONDITION_TYPES.has(c.type));
  conditions.push(stamp(readyToStartContainersCondition(!sandboxChanged(pod, runtimePod).changed), oldConditions, now));
  conditions.push(stamp(initializedCondition(pod, all, phase), oldConditions, now));
  conditions.push(stamp(readyCondition(pod, conditions, all, phase), oldConditions, now));
  conditions.push(stamp(containersReadyCondition(pod, all, phase), oldConditions, now));
  conditions.push(stamp({ type: 'PodScheduled', status: 'True' }, oldConditions, now));

  const hostIPs = [...(opts.hostIPs ?? [])];
  const podIPs = pod.spec?.hostNetwork ? hostIPs : podIPsOf(runtimePod);
  const status: PodStatus = {
    phase,
    conditions,
    ...(hostIPs.length ? { hostIP: hostIPs[0], hostIPs: hostIPs.map((ip) => ({ ip })) } : {}),
    ...(podIPs.length ? { podIP: podIPs[0], podIPs: podIPs.map((ip) => ({ ip })) } : {}),
    startTime: pod.status?.startTime ?? now,
    qosClass: podQOSClass(pod),
    containerStatuses: appContainerStatuses,
  };
  if ((pod.spec?.initContainers ?? []).length > 0) status.initContainerStatuses = initContainerStatuses;
  if ((pod.spec?.ephemeralContainers ?? []).length > 0) status.ephemeralContainerStatuses = ephemeralContainerStatuses(pod, runtimePod, opts);
  return status;
}
