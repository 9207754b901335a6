/**
 * Server-side apply (upstream FieldManager.Apply with its default manager
 * chain): merge the configuration into the live object, prune what the
 * applier stopped sending, resolve ownership, or refuse with a 409 listing
 * the conflicting fields.
 */
import { badRequest, internalError } from '../errors.js';
import { ConflictsError, conflictError } from './conflicts.js';
import type { ManagedFieldsEntry, Managers, ManagerState } from './managers.js';
import { cloneManagers, decodeManagedFields, managerIdentifier, rfc3339Seconds } from './managers.js';
import { allowedConflictsFromLastApplied, buildLastApplied, hasLastApplied, KUBECTL_MANAGER, setLastApplied } from './last-applied.js';
import { FieldTypeError, toFieldSet } from './to-field-set.js';
import { changed, updaterApply } from './updater.js';
import type { JsonObject } from './value.js';
import { isObject } from './value.js';
import type { ManagedResult, WriteOptions } from './write-context.js';
import {
  BEFORE_FIRST_APPLY_MANAGER, runUpdate, stripManager, updaterContext, withManagedFields, withoutManagedFields,
} from './write-context.js';
import { deepClone } from '../object.js';

export interface ApplyOptions extends WriteOptions {
  /** Take ownership of conflicting fields instead of failing. */
  force: boolean;
  /** Time of the write (stamped when the object changes), RFC 3339 or Date. */
  now: string | Date;
  /** The live object's metadata.managedFields. */
  managedFields: readonly ManagedFieldsEntry[] | undefined;
}

export interface ApplyResult extends ManagedResult {
  /** False when the apply left the object as it was (managedFields may still change). */
  changed: boolean;
}

/**
 * Applies `config` (an apply patch body) over `live` (undefined: the object
 * does not exist yet). The result's status (or spec, for status writes) is
 * as merged: the resource strategy resets it as for any write.
 * @throws StatusError 409 Conflict with FieldManagerConflict causes; 400 when
 *   the config sets metadata.managedFields or has fields the schema lacks;
 *   500 when the live managedFields cannot be decoded.
 */
export function applyManagedFields(live: object | undefined, config: object, opts: ApplyOptions): ApplyResult {
  const cfg = deepClone(config) as JsonObject;
  if (isObject(cfg.metadata) && cfg.metadata.managedFields !== undefined && cfg.metadata.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  const ctx = updaterContext(opts);
  const liveJ = live === undefined ? undefined : withoutManagedFields(live);
  let managers: Managers;
  try {
    managers = decodeManagedFields(opts.managedFields);
  } catch (e) {
    throw internalError(new Error(`failed to decode managed fields: ${(e as Error).message}`));
  }
  let configSet;
  try {
    configSet = toFieldSet(cfg, ctx.type, { strict: true });
  } catch (e) {
    if (e instanceof FieldTypeError) throw badRequest(`failed to create typed patch object: ${e.message}`);
    throw e;
  }
  const now = rfc3339Seconds(opts.now);
  const info: Omit<ManagerState, 'set' | 'time'> = {
    manager: opts.manager, operation: 'Apply', apiVersion: opts.apiVersion,
    ...(opts.subresource ? { subresource: opts.subresource } : {}),
  };
  const id = managerIdentifier(info);

  const attempt = (force: boolean): { object: JsonObject; managers: Managers; changed: boolean } => {
    const m = cloneManagers(managers);
    if (m.size === 0 && liveJ !== undefined) {
      runUpdate({}, liveJ, m, BEFORE_FIRST_APPLY_MANAGER, now, opts, ctx);
    }
    const merged = updaterApply(liveJ, cfg, configSet, m, id, info, force, ctx);
    stripManager(m, id);
    const didChange = changed(liveJ, merged);
    if (didChange) {
      const e = m.get(id);
      if (e) e.time = now;
    }
    const object = (didChange ? merged : liveJ) ?? {};
    return { object: isObject(object) ? object : {}, managers: m, changed: didChange };
  };

  let r: ReturnType<typeof attempt>;
  try {
    r = attempt(opts.force);
  } catch (e) {
    if (!(e instanceof ConflictsError)) throw e;
    if (opts.manager !== KUBECTL_MANAGER) throw conflictError(e.conflicts);
    const allowed = allowedConflictsFromLastApplied(liveJ, ctx.type, opts.apiVersion);
    const remaining = allowed ? e.conflicts.filter((c) => !allowed.has(c.path)) : e.conflicts;
    if (remaining.length > 0) throw conflictError(remaining);
    r = attempt(true);
  }
  if (opts.manager === KUBECTL_MANAGER && hasLastApplied(r.object)) {
    setLastApplied(r.object, buildLastApplied(cfg));
  }
  return { ...withManagedFields(r.object, r.managers), changed: r.changed };
}
