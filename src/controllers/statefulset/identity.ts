/**
 * A StatefulSet pod's stable identity (upstream's stateful_set_utils.go):
 * name `<set>-<ordinal>`, hostname and subdomain, the pod-name and pod-index
 * labels, and one PersistentVolumeClaim per volumeClaimTemplate named
 * `<template>-<set>-<ordinal>` mounted under the template's name.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod, Volume } from 'kubernetes-types/core/v1.js';
import { deepClone } from '../../api/object.js';
import { newControllerRef } from '../shared/controller-ref.js';
import { podFromTemplate } from '../shared/pod-control.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../history/index.js';

export const STATEFULSET_POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/** `<set>-<ordinal>` or undefined when the name is not of that form. */
export function parentAndOrdinal(pod: Pod): { parent: string; ordinal: number } | undefined {
  const m = /^(.*)-(\d+)$/.exec(pod.metadata?.name ?? '');
  return m ? { parent: m[1]!, ordinal: Number.parseInt(m[2]!, 10) } : undefined;
}

/** The pod's ordinal, or -1 when the pod is not named for this set. */
export function ordinalOf(set: StatefulSet, pod: Pod): number {
  const p = parentAndOrdinal(pod);
  return p && p.parent === set.metadata?.name ? p.ordinal : -1;
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata!.name}-${ordinal}`;
}

export function claimName(set: StatefulSet, template: PersistentVolumeClaim, ordinal: number): string {
  return `${template.metadata?.name ?? ''}-${set.metadata!.name}-${ordinal}`;
}

/** The claims the pod of `ordinal` uses, keyed by template name (labels: the template's plus the set's matchLabels). */
export function claimsFor(set: StatefulSet, ordinal: number): Map<string, PersistentVolumeClaim> {
  const out = new Map<string, PersistentVolumeClaim>();
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const c = deepClone(t);
    delete (c as { status?: unknown }).status;
    c.apiVersion = 'v1';
    c.kind = 'PersistentVolumeClaim';
    c.metadata = {
      ...(c.metadata ?? {}),
      name: claimName(set, t, ordinal),
      namespace: set.metadata!.namespace,
      labels: { ...(c.metadata?.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) },
    };
    out.set(t.metadata?.name ?? '', c);
  }
  return out;
}

/** Whether the pod carries its name-derived identity. */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const ord = ordinalOf(set, pod);
  const labels = pod.metadata?.labels ?? {};
  return ord >= 0 && pod.metadata?.namespace === set.metadata?.namespace
    && labels[STATEFULSET_POD_NAME_LABEL] === pod.metadata?.name && labels[POD_INDEX_LABEL] === String(ord);
}

/** Whether every claim template is mounted from the pod's own claim. */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ord = ordinalOf(set, pod);
  if (ord < 0) return false;
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  for (const [name, claim] of claimsFor(set, ord)) {
    if (volumes.get(name)?.persistentVolumeClaim?.claimName !== claim.metadata!.name) return false;
  }
  return true;
}

/** Sets hostname, subdomain and identity labels on `pod` (the caller's copy). */
export function setIdentity(set: StatefulSet, pod: Pod): void {
  const ord = ordinalOf(set, pod);
  const name = pod.metadata!.name!;
  pod.spec!.hostname = name;
  if (set.spec?.serviceName) pod.spec!.subdomain = set.spec.serviceName;
  pod.metadata!.labels = { ...(pod.metadata!.labels ?? {}), [STATEFULSET_POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ord) };
}

/** Replaces the volumes named like claim templates with the pod's claims (on the caller's copy). */
export function setStorage(set: StatefulSet, pod: Pod): void {
  const claims = claimsFor(set, ordinalOf(set, pod));
  const volumes: Volume[] = [...claims].map(([name, c]) => ({ name, persistentVolumeClaim: { claimName: c.metadata!.name! } }));
  for (const v of pod.spec!.volumes ?? []) if (!claims.has(v.name)) volumes.push(v);
  if (volumes.length > 0) pod.spec!.volumes = volumes;
}

/** The pod of `ordinal` from `set`'s template, labelled with `revision` (a ControllerRevision name). */
export function newStatefulSetPod(set: StatefulSet, ordinal: number, revision: string): Pod {
  const pod = podFromTemplate(set.spec!.template, set.metadata!.namespace!, newControllerRef(set, 'apps/v1', 'StatefulSet'),
    { name: podName(set, ordinal) });
  setIdentity(set, pod);
  setStorage(set, pod);
  pod.metadata!.labels = { ...pod.metadata!.labels, [CONTROLLER_REVISION_HASH_LABEL]: revision };
  return pod;
}

export function podRevision(pod: Pod): string | undefined {
  return pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
}
