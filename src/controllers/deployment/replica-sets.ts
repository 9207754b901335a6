/**
 * Facts about a Deployment's ReplicaSets (upstream's deployment/util and
 * controller's ReplicaSetsBy* sorts): which one is new (its template equals
 * the Deployment's but for pod-template-hash), which are old, their counts,
 * orderings, saturation, and the new ReplicaSet's size in a rolling update.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { deepEqual } from '../../api/object.js';
import { desiredReplicasAnnotation, revisionOf } from './annotations.js';
import { desiredReplicas, isRollingUpdate, scaledValue } from './int-or-percent.js';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

export const specReplicas = (rs: ReplicaSet): number => rs.spec?.replicas ?? 1;

function created(rs: ReplicaSet): number {
  const t = Date.parse(rs.metadata?.creationTimestamp ?? '');
  return Number.isFinite(t) ? t : 0;
}

/** Oldest first; ties by name (upstream's ReplicaSetsByCreationTimestamp). */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const d = created(a) - created(b);
  if (d !== 0) return d;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Lowest revision first; ties by creation (upstream's ReplicaSetsByRevision). */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const d = revisionOf(a) - revisionOf(b);
  return d !== 0 ? d : byCreation(a, b);
}

/** Largest first; ties older first (ReplicaSetsBySizeOlder). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  const d = specReplicas(b) - specReplicas(a);
  return d !== 0 ? d : byCreation(a, b);
}

/** Largest first; ties newer first (ReplicaSetsBySizeNewer). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  const d = specReplicas(b) - specReplicas(a);
  return d !== 0 ? d : byCreation(b, a);
}

/** A template with the hash label gone and empty label/annotation maps dropped, for comparison. */
function comparable(t: PodTemplateSpec | undefined): unknown {
  const meta = { ...(t?.metadata ?? {}) } as { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  if (meta.labels) {
    const { [POD_TEMPLATE_HASH_LABEL]: _hash, ...rest } = meta.labels;
    meta.labels = rest;
  }
  for (const k of ['labels', 'annotations'] as const) if (meta[k] && Object.keys(meta[k]!).length === 0) delete meta[k];
  return stripNull({ ...(t ?? {}), metadata: meta });
}

function stripNull(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNull);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = stripNull(x);
    return out;
  }
  return v;
}

/** Templates equal but for the pod-template-hash label (upstream's EqualIgnoreHash). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return deepEqual(comparable(a), comparable(b));
}

/** The oldest ReplicaSet whose template matches the Deployment's. */
export function findNewReplicaSet(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

export function findOldReplicaSets(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet[] {
  const current = findNewReplicaSet(d, rss);
  return rss.filter((rs) => rs.metadata?.uid !== current?.metadata?.uid);
}

/** ReplicaSets with spec.replicas > 0. */
export function filterActive(rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => rs !== undefined && specReplicas(rs) > 0);
}

const sum = (rss: readonly (ReplicaSet | undefined)[], f: (rs: ReplicaSet) => number): number =>
  rss.reduce((n, rs) => n + (rs ? f(rs) : 0), 0);

/** Sum of spec.replicas. */
export const replicaCount = (rss: readonly (ReplicaSet | undefined)[]): number => sum(rss, specReplicas);
/** Sum of status.replicas. */
export const actualReplicaCount = (rss: readonly (ReplicaSet | undefined)[]): number => sum(rss, (rs) => rs.status?.replicas ?? 0);
export const readyReplicaCount = (rss: readonly (ReplicaSet | undefined)[]): number => sum(rss, (rs) => rs.status?.readyReplicas ?? 0);
export const availableReplicaCount = (rss: readonly (ReplicaSet | undefined)[]): number => sum(rss, (rs) => rs.status?.availableReplicas ?? 0);

/** The new ReplicaSet runs the whole Deployment, all available (upstream's IsSaturated). */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const want = desiredReplicas(d);
  return desiredReplicasAnnotation(rs) === want && specReplicas(rs) === want && (rs.status?.availableReplicas ?? 0) === want;
}

/** The one active ReplicaSet, or the newest when none is active; undefined when several are (upstream's FindActiveOrLatest). */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = filterActive([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** How big the new ReplicaSet may be now (upstream's NewRSNewReplicas). */
export function newRSNewReplicas(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  const want = desiredReplicas(d);
  if (!isRollingUpdate(d)) return want;
  const surge = scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%', want, true);
  const current = replicaCount(allRSs);
  const maxTotal = want + surge;
  if (current >= maxTotal) return specReplicas(newRS);
  const up = Math.min(maxTotal - current, want - specReplicas(newRS));
  return specReplicas(newRS) + up;
}
