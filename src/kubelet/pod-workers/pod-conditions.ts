/**
 * The pod conditions the kubelet owns (upstream's pkg/kubelet/status/generate.go):
 * PodReadyToStartContainers, Initialized, ContainersReady, Ready.
 */
import type { ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import { isSidecar } from './container-helpers.js';
import { hasAnyRegularContainerStarted, type PodPhase } from './pod-phase.js';

/** Condition types the kubelet writes; others in the pod's status are kept as they are. */
export const KUBELET_CONDITION_TYPES: ReadonlySet<string> = new Set([
  'PodScheduled', 'Ready', 'Initialized', 'ContainersReady', 'PodReadyToStartContainers',
]);

/** Go's %s of a []string: "[a b]". */
function goList(names: string[]): string {
  return `[${names.join(' ')}]`;
}

function notReady(type: string, reason: string, messages: string[]): PodCondition {
  return { type, status: 'False', reason, ...(messages.length ? { message: messages.join(', ') } : {}) };
}

/** True when the pod has a usable sandbox (network set up). */
export function readyToStartContainersCondition(sandboxUsable: boolean): PodCondition {
  return { type: 'PodReadyToStartContainers', status: sandboxUsable ? 'True' : 'False' };
}

/**
 * True when every regular init container succeeded (is ready) and every
 * sidecar has started, or once any app container has started; True with
 * reason PodCompleted for a Succeeded pod; else False, ContainersNotInitialized.
 */
export function initializedCondition(pod: Pod, statuses: readonly ContainerStatus[], phase: PodPhase): PodCondition {
  const byName = new Map(statuses.map((s) => [s.name, s]));
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of pod.spec?.initContainers ?? []) {
    const s = byName.get(c.name);
    if (!s) unknown.push(c.name);
    else if (isSidecar(c) ? !s.started : !s.ready) incomplete.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return { type: 'Initialized', status: 'True', reason: 'PodCompleted' };
  if (hasAnyRegularContainerStarted(pod, statuses)) return { type: 'Initialized', status: 'True' };
  const messages: string[] = [];
  if (unknown.length) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (incomplete.length) messages.push(`containers with incomplete status: ${goList(incomplete)}`);
  return messages.length ? notReady('Initialized', 'ContainersNotInitialized', messages) : { type: 'Initialized', status: 'True' };
}

/**
 * True when every app container and sidecar is ready; False with reason
 * PodCompleted (Succeeded) or PodFailed (Failed) for a terminal pod, else
 * ContainersNotReady naming the unknown and unready ones.
 */
export function containersReadyCondition(pod: Pod, statuses: readonly ContainerStatus[], phase: PodPhase): PodCondition {
  const byName = new Map(statuses.map((s) => [s.name, s]));
  const unknown: string[] = [];
  const unready: string[] = [];
  const relevant = [...(pod.spec?.initContainers ?? []).filter(isSidecar), ...(pod.spec?.containers ?? [])];
  for (const c of relevant) {
    const s = byName.get(c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if ((phase === 'Succeeded' && unknown.length === 0) || phase === 'Failed') {
    return { type: 'ContainersReady', status: 'False', reason: phase === 'Failed' ? 'PodFailed' : 'PodCompleted' };
  }
  const messages: string[] = [];
  if (unknown.length) messages.push(`containers with unknown status: ${goList(unknown)}`);
  if (unready.length) messages.push(`containers with unready status: ${goList(unready)}`);
  return messages.length ? notReady('ContainersReady', 'ContainersNotReady', messages) : { type: 'ContainersReady', status: 'True' };
}

/**
 * ContainersReady, then every readiness gate's condition (among
 * `conditions`) True: ReadinessGatesNotReady otherwise.
 */
export function readyCondition(pod: Pod, conditions: readonly PodCondition[], statuses: readonly ContainerStatus[], phase: PodPhase): PodCondition {
  const cr = containersReadyCondition(pod, statuses, phase);
  if (cr.status !== 'True') return { ...cr, type: 'Ready' };
  const messages: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c) messages.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') messages.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
  }
  return messages.length ? notReady('Ready', 'ReadinessGatesNotReady', messages) : { type: 'Ready', status: 'True' };
}
