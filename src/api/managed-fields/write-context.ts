/**
 * Shared plumbing of apply and update: the object as a JSON tree without
 * managedFields, the update chain every non-apply write (and the
 * before-first-apply step) runs, and encoding the result into the object.
 */
import { capUpdateManagers } from './cap-managers.js';
import { compareObjects } from './compare.js';
import { FieldSet } from './field-set.js';
import type { ManagedFieldsEntry, Managers, ManagerState } from './managers.js';
import { encodeManagedFields, managerIdentifier } from './managers.js';
import type { FieldPath } from './path-element.js';
import { defaultResetFields, STRIPPED_FIELDS } from './reset-fields.js';
import type { FieldType, TypeResolver } from './types.js';
import { DEDUCED } from './types.js';
import type { UpdaterContext } from './updater.js';
import { updaterUpdate } from './updater.js';
import type { JsonObject } from './value.js';
import { isObject } from './value.js';
import { deepClone } from '../object.js';

/** Options every managed write shares. */
export interface WriteOptions {
  /** Field manager name (`kubectl`, `kube-controller-manager`, ...). */
  manager: string;
  /** group/version the write was made in (`apps/v1`, `v1`). */
  apiVersion: string;
  types: TypeResolver;
  /** Definition name of the kind (`io.k8s.api.apps.v1.Deployment`); unknown names use deduced types. */
  root: string;
  /** Subresource written through (`status`); empty for the main resource. @default undefined */
  subresource?: string;
  /** Fields the strategy resets for this write path. @default defaultResetFields(subresource) */
  resetFields?: readonly FieldPath[];
  /** Update entries kept before merging into `ancient-changes`. @default 10 */
  maxUpdateManagers?: number;
}

/** An object with its managedFields as they should be stored. */
export interface ManagedResult {
  /** The resulting object; its metadata.managedFields equals `managedFields` (absent when empty). */
  object: JsonObject;
  managedFields: ManagedFieldsEntry[];
}

/** The name upstream records existing fields under when an object without managedFields is first applied. */
export const BEFORE_FIRST_APPLY_MANAGER = 'before-first-apply';

const CURRENT_OPERATION = 'current-operation';

export function rootType(opts: Pick<WriteOptions, 'types' | 'root'>): FieldType {
  return opts.types.rootType(opts.root) ?? DEDUCED;
}

export function updaterContext(opts: WriteOptions): UpdaterContext {
  return {
    type: rootType(opts),
    apiVersion: opts.apiVersion,
    ignored: FieldSet.of(...(opts.resetFields ?? defaultResetFields(opts.subresource))),
  };
}

/** A deep copy of `o` as JSON, without metadata.managedFields. */
export function withoutManagedFields(o: object): JsonObject {
  const c = deepClone(o) as JsonObject;
  if (isObject(c.metadata)) delete c.metadata.managedFields;
  return c;
}

/**
 * `o` without metadata.managedFields, sharing everything else with `o`: only
 * the top level and metadata are copied. For readers that never mutate
 * below metadata (the update path compares; it does not merge).
 */
export function viewWithoutManagedFields(o: object): JsonObject {
  const c = { ...(o as JsonObject) };
  if (isObject(c.metadata)) {
    const { managedFields: _dropped, ...md } = c.metadata;
    c.metadata = md;
  }
  return c;
}

/** Removes the upstream strip set from one manager's entry (dropping it when empty). */
export function stripManager(managers: Managers, id: string): void {
  const m = managers.get(id);
  if (!m) return;
  const s = m.set.difference(STRIPPED_FIELDS);
  if (s.empty()) managers.delete(id);
  else m.set = s;
}

/**
 * A non-apply write by `manager` from `oldObj` to `newObj` (upstream
 * capManagers ∘ buildManagerInfo ∘ managedFieldsUpdater ∘ stripMeta ∘
 * structured Update): changed fields move to the manager's Update entry,
 * stamped with `time` (RFC 3339 with seconds, as rfc3339Seconds writes it).
 */
export function runUpdate(oldObj: JsonObject, newObj: JsonObject, managers: Managers, manager: string,
  time: string, opts: WriteOptions, ctx: UpdaterContext): void {
  const info: Omit<ManagerState, 'set' | 'time'> = {
    manager, operation: 'Update', apiVersion: opts.apiVersion,
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
  };
  const id = managerIdentifier(info);
  if (managers.size === 0 && Object.keys(oldObj).length === 0) {
    // A first write (a create): everything is added and no one else owns
    // anything, so the general chain reduces to the new object's fields.
    const set = compareObjects(oldObj, newObj, ctx.type).added.recursiveDifference(ctx.ignored).difference(STRIPPED_FIELDS);
    if (!set.empty()) managers.set(id, { ...info, set, time });
    return;
  }
  updaterUpdate(oldObj, newObj, managers, CURRENT_OPERATION, info, ctx);
  stripManager(managers, CURRENT_OPERATION);
  const vs = managers.get(CURRENT_OPERATION);
  if (vs) {
    managers.delete(CURRENT_OPERATION);
    const prev = managers.get(id);
    managers.set(id, { ...info, set: prev ? vs.set.union(prev.set) : vs.set, time });
  }
  capUpdateManagers(managers, opts.maxUpdateManagers);
}

/** `object` with `managers` encoded into metadata.managedFields. */
export function withManagedFields(object: JsonObject, managers: Managers): ManagedResult {
  const managedFields = encodeManagedFields(managers);
  const md = isObject(object.metadata) ? object.metadata : undefined;
  if (managedFields.length > 0) {
    (md ?? (object.metadata = {})).managedFields = managedFields as unknown as JsonObject[];
  } else if (md) {
    delete md.managedFields;
  }
  return { object, managedFields };
}
