/**
 * What a pod becomes when a stage applies: a pure function of the pod, the
 * stage and a context (clock, node IP, pod IP allocation), so stages can be
 * tested as golden input/output pairs.
 */
import { createHash } from 'node:crypto';
import type { Container, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import type { Stage } from './stage.js';
import { renderTemplate, type TemplateVariables } from './template.js';
import { deepClone } from '../../api/object.js';

export interface StageContext {
  /** RFC 3339 seconds, e.g. 2024-01-02T03:04:05Z. */
  now: string;
  nodeName: string;
  /** The node's InternalIP. */
  hostIP: string;
  /** Allocates (or returns the already allocated) IP of this pod from the node's podCIDR. Not called for hostNetwork pods. */
  allocatePodIP(): string;
}

export type StageResult = { type: 'delete' } | { type: 'status'; status: PodStatus };

/** A stable runtime container ID for a container of a pod. */
export function containerID(podUID: string, name: string): string {
  return `sim://${createHash('sha256').update(`${podUID}/${name}`).digest('hex')}`;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function merge(base: Json, patch: Json, now: string): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'conditions' && Array.isArray(v)) out[k] = mergeConditions((base[k] as PodCondition[] | undefined) ?? [], v as PodCondition[], now);
    else if (isObj(v) && isObj(base[k])) out[k] = merge(base[k] as Json, v, now);
    else out[k] = v;
  }
  return out;
}

/** Conditions by type: a changed status moves lastTransitionTime to `now`; an unchanged one keeps it. */
function mergeConditions(old: readonly PodCondition[], next: readonly PodCondition[], now: string): PodCondition[] {
  const out = old.map((c) => ({ ...c }));
  for (const n of next) {
    const i = out.findIndex((c) => c.type === n.type);
    const prev = i >= 0 ? out[i] : undefined;
    const lastTransitionTime = n.lastTransitionTime
      ?? (prev && prev.status === n.status && prev.lastTransitionTime ? prev.lastTransitionTime : now);
    const c = { lastProbeTime: null as unknown as undefined, ...n, lastTransitionTime };
    if (i >= 0) out[i] = c; else out.push(c);
  }
  return out;
}

function startedAtOf(pod: Pod, name: string, init: boolean): string | undefined {
  const list = init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses;
  const s = list?.find((c) => c.name === name)?.state;
  return s?.running?.startedAt ?? s?.terminated?.startedAt;
}

/** The result of `stage` on `pod`. Never mutates `pod`. */
export function nextState(pod: Pod, stage: Stage, ctx: StageContext): StageResult {
  if (stage.next.delete) return { type: 'delete' };
  let podIP: string | undefined;
  const vars: TemplateVariables = {
    now: () => ctx.now,
    nodeName: () => ctx.nodeName,
    hostIP: () => ctx.hostIP,
    podIP: () => (podIP ??= pod.spec?.hostNetwork ? ctx.hostIP : ctx.allocatePodIP()),
    containerNames: () => (pod.spec?.containers ?? []).map((c) => c.name).join(' '),
  };
  const uid = pod.metadata?.uid ?? '';
  const perContainer = (c: Container, init: boolean): TemplateVariables => ({
    ...vars,
    'container.name': () => c.name,
    'container.image': () => c.image ?? '',
    'container.id': () => containerID(uid, c.name),
    'container.startedAt': () => startedAtOf(pod, c.name, init) ?? ctx.now,
  });
  let status = deepClone((pod.status ?? {}) as Json);
  if (stage.next.status) status = merge(status, renderTemplate(stage.next.status, vars), ctx.now);
  if (stage.next.initContainerStatus && pod.spec?.initContainers?.length) {
    status['initContainerStatuses'] = pod.spec.initContainers.map((c) => renderTemplate(stage.next.initContainerStatus!, perContainer(c, true)));
  }
  if (stage.next.containerStatus) {
    status['containerStatuses'] = (pod.spec?.containers ?? []).map((c) => renderTemplate(stage.next.containerStatus!, perContainer(c, false)));
  }
  return { type: 'status', status: status as PodStatus };
}
