/**
 * ControllerRevisions (upstream's pkg/controller/history): immutable
 * snapshots of a workload's pod template that DaemonSets and StatefulSets
 * keep so that `kubectl rollout history|undo` can list and restore them.
 *
 * A revision is named `<owner>-<hash>` where the hash covers its data and the
 * owner's collision count; `data` is the strategic merge patch that turns the
 * owner back into that template (`{spec: {template: {..., $patch: replace}}}`).
 */
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { deepClone, deepEqual } from '../../api/object.js';
import type { ApiObject } from '../../client/api-object.js';
import { computeHash } from '../shared/hash.js';
import { newControllerRef } from '../shared/controller-ref.js';

/** Label on revisions (the hash) and on pods (the hash for DaemonSets, the revision name for StatefulSets). */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';

/** Upstream truncates the owner's name so that the revision name stays a valid name. */
const MAX_PREFIX = 223;

export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > MAX_PREFIX ? prefix.slice(0, MAX_PREFIX) : prefix}-${hash}`;
}

/** The patch a revision stores: the owner's template, replacing whatever template the owner has. */
export function templatePatch(template: PodTemplateSpec | undefined): Record<string, unknown> {
  return { spec: { template: { ...deepClone(template ?? {}), $patch: 'replace' } } };
}

/** The template a revision's patch restores (undefined when data is not a template patch). */
export function templateOfRevision(rev: ControllerRevision): PodTemplateSpec | undefined {
  const t = (rev.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template;
  if (!t) return undefined;
  const copy = deepClone(t);
  delete copy['$patch'];
  return copy as PodTemplateSpec;
}

/** The hash of a revision's data and collision count. */
export function hashRevisionData(data: unknown, collisionCount?: number): string {
  return computeHash(data, collisionCount);
}

export interface NewRevisionOptions {
  /** Owner's apiVersion and kind, for the controller reference. */
  apiVersion: string;
  kind: string;
  /** The owner's template labels; the revision carries them plus the hash label. */
  templateLabels?: Record<string, string>;
  /** Copied onto the revision (upstream copies the owner's annotations, e.g. kubernetes.io/change-cause). */
  annotations?: Record<string, string>;
  collisionCount?: number;
}

/** A revision of `owner` (not yet created) holding `data` with revision number `revision`. */
export function newControllerRevision(owner: ApiObject, data: Record<string, unknown>, revision: number,
  opts: NewRevisionOptions): ControllerRevision {
  const hash = hashRevisionData(data, opts.collisionCount);
  return {
    apiVersion: 'apps/v1', kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(owner.metadata!.name!, hash),
      namespace: owner.metadata!.namespace,
      labels: { ...(opts.templateLabels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ...(opts.annotations && Object.keys(opts.annotations).length ? { annotations: { ...opts.annotations } } : {}),
      ownerReferences: [newControllerRef(owner, opts.apiVersion, opts.kind)],
    },
    data,
    revision,
  };
}

/** Same data (the hash label is not compared: it includes the collision count). */
export function equalRevision(a: ControllerRevision, b: ControllerRevision): boolean {
  return deepEqual(a.data, b.data);
}

/** Revisions in history order: by revision number, then creation time, then name. */
export function sortRevisions(revs: readonly ControllerRevision[]): ControllerRevision[] {
  return [...revs].sort((a, b) => (a.revision - b.revision)
    || (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? '')
    || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

/** One more than the highest revision number (1 for none). */
export function nextRevision(revs: readonly ControllerRevision[]): number {
  return revs.reduce((m, r) => Math.max(m, r.revision), 0) + 1;
}
