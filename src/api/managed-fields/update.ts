/**
 * Ownership for every non-apply write (create, update, patch; upstream
 * FieldManager.Update): fields the write changed move to the writer's
 * Update entry and leave everyone else's; never conflicts.
 */
import { ManagedFieldsDecodeError, decodeManagedFields, rfc3339Seconds } from './managers.js';
import type { ManagedFieldsEntry, Managers } from './managers.js';
import type { JsonObject } from './value.js';
import { isObject } from './value.js';
import type { ManagedResult, WriteOptions } from './write-context.js';
import { runUpdate, updaterContext, viewWithoutManagedFields, withManagedFields } from './write-context.js';

export interface UpdateOptions extends WriteOptions {
  /** Only Update exists for non-apply writes. @default 'Update' */
  operation?: 'Update';
  /** Time of the write, RFC 3339 or Date; stored with second precision. */
  time: string | Date;
  /** The live object's metadata.managedFields (ignored on create). */
  managedFields: readonly ManagedFieldsEntry[] | undefined;
}

function decodeOrEmpty(entries: readonly ManagedFieldsEntry[] | undefined): Managers {
  try {
    return decodeManagedFields(entries);
  } catch (e) {
    if (e instanceof ManagedFieldsDecodeError) return new Map();
    throw e;
  }
}

/** `[]` or `[{}]` in the written object asks to clear managedFields (upstream isResetManagedFields). */
function isReset(mf: unknown): boolean {
  if (!Array.isArray(mf)) return false;
  if (mf.length === 0) return true;
  return mf.length === 1 && isObject(mf[0]) && Object.keys(mf[0]).length === 0;
}

/**
 * Records a write from `oldObj` (undefined on create) to `newObj`. The
 * written object's own managedFields are honoured on main-resource writes
 * (clients may edit them; `[]` or `[{}]` clears them; absent or invalid
 * falls back to the live ones); subresource writes always use the live ones.
 * The returned object shares nested values with newObj.
 */
export function updateManagedFields(oldObj: object | undefined, newObj: object, opts: UpdateOptions): ManagedResult {
  const written = newObj as JsonObject;
  const writtenMf = isObject(written.metadata) ? written.metadata.managedFields : undefined;
  let managers: Managers;
  if (opts.subresource || oldObj === undefined && writtenMf === undefined) {
    managers = decodeOrEmpty(opts.managedFields);
  } else if (isReset(writtenMf)) {
    managers = new Map();
  } else {
    try {
      managers = decodeManagedFields(writtenMf as ManagedFieldsEntry[] | undefined);
    } catch (e) {
      if (!(e instanceof ManagedFieldsDecodeError)) throw e;
      managers = new Map();
    }
    if (managers.size === 0) managers = decodeOrEmpty(opts.managedFields);
  }
  const ctx = updaterContext(opts);
  // Views, not copies: the update path only compares the two objects. The
  // result shares all but its top level and metadata with newObj.
  const oldJ: JsonObject = oldObj === undefined ? {} : viewWithoutManagedFields(oldObj);
  const newJ = viewWithoutManagedFields(newObj);
  runUpdate(oldJ, newJ, managers, opts.manager, rfc3339Seconds(opts.time), opts, ctx);
  return withManagedFields(newJ, managers);
}
