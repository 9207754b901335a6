/**
 * Object identities and owner-reference coordinates for the garbage
 * collector (upstream's objectReference). An owner reference names its owner
 * by apiVersion, kind, name and uid; its namespace is the dependent's when the
 * owner's kind is namespaced, "" when cluster-scoped. The group (not the
 * version) is what identifies a kind: one object is served in every version.
 */
import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.js';

/** Where one object lives, and which one it is. */
export interface ObjectIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  /** "" for cluster-scoped objects (or when not yet known for a virtual owner). */
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/** The finalizer that makes an owner wait until its dependents are orphaned. */
export const ORPHAN_FINALIZER = 'orphan';
/** The finalizer that makes an owner wait until its blocking dependents are deleted. */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** `apps/v1` -> `apps`; `v1` -> "". */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** The identity an owner reference of a dependent in `namespace` points at. */
export function ownerIdentity(ref: OwnerReference, namespace: string): ObjectIdentity {
  return { apiVersion: ref.apiVersion, kind: ref.kind, namespace, name: ref.name, uid: ref.uid };
}

/**
 * Whether `id` is what a dependent in `dependentNamespace` means by `ref`:
 * same uid, group, kind and name, and the dependent's namespace unless `id`
 * is cluster-scoped.
 */
export function referenceMatches(id: ObjectIdentity, ref: OwnerReference, dependentNamespace: string): boolean {
  return ref.uid === id.uid && ref.name === id.name && ref.kind === id.kind
    && groupOf(ref.apiVersion) === groupOf(id.apiVersion)
    && (id.namespace === '' || id.namespace === dependentNamespace);
}

/** A string naming `id` by its coordinates (the version left out), for caches and logs. */
export function coordinatesKey(id: ObjectIdentity): string {
  return `${groupOf(id.apiVersion)}/${id.kind}/${id.namespace}/${id.name}#${id.uid}`;
}

/** `kind namespace/name (uid)`, for log lines. */
export function describe(id: ObjectIdentity): string {
  return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name} (${id.uid})`;
}

export function hasFinalizer(meta: ObjectMeta | undefined, finalizer: string): boolean {
  return meta?.finalizers?.includes(finalizer) ?? false;
}

/** Being deleted and waiting for the orphan finalizer. */
export function isWaitingForOrphaning(meta: ObjectMeta | undefined): boolean {
  return !!meta?.deletionTimestamp && hasFinalizer(meta, ORPHAN_FINALIZER);
}

/** Being deleted and waiting for its blocking dependents to go. */
export function isDeletingDependents(meta: ObjectMeta | undefined): boolean {
  return !!meta?.deletionTimestamp && hasFinalizer(meta, FOREGROUND_FINALIZER);
}
