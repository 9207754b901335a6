/**
 * The ownership core (upstream structured-merge-diff merge.Updater): who owns
 * what after an update or an apply, conflicts, and pruning of fields an
 * applier stopped sending. Works on Managers maps; no I/O.
 */
import type { Comparison } from './compare.js';
import { compareObjects } from './compare.js';
import { ConflictsError } from './conflicts.js';
import type { Conflict } from './conflicts.js';
import { FieldSet } from './field-set.js';
import type { ManagerState, Managers } from './managers.js';
import { mergeValues } from './merge.js';
import { ensureNamedFieldsAreMembers, removeItems } from './remove-items.js';
import { toFieldSet } from './to-field-set.js';
import type { FieldType } from './types.js';
import type { JsonValue } from './value.js';
import { valuesEqual } from './value.js';

export interface UpdaterContext {
  readonly type: FieldType;
  readonly apiVersion: string;
  /** Fields the strategy resets (e.g. status on the main resource): never owned, never conflicting. */
  readonly ignored: FieldSet;
}

function filter(c: Comparison, ignored: FieldSet): Comparison {
  if (ignored.empty()) return c;
  return {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}

/**
 * Takes changed fields away from every manager but `workflow`; with
 * `force` false, throws ConflictsError instead when any manager owns a
 * changed field (upstream Updater.update).
 */
function takeChanged(oldV: JsonValue | undefined, newV: JsonValue | undefined, managers: Managers,
  workflow: string, force: boolean, ctx: UpdaterContext): Comparison {
  const cmp = filter(compareObjects(oldV, newV, ctx.type), ctx.ignored);
  const changed = cmp.modified.union(cmp.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [id, m] of managers) {
    if (id === workflow) continue;
    const c = m.set.intersection(changed);
    if (!c.empty()) conflicts.set(id, c);
  }
  if (!force && conflicts.size > 0) {
    const list: Conflict[] = [];
    for (const [id, s] of conflicts) for (const p of s.paths()) list.push({ manager: id, path: p });
    throw new ConflictsError(list);
  }
  for (const [id, m] of managers) {
    if (id === workflow) continue;
    let s = m.set;
    const c = conflicts.get(id);
    if (c) s = s.difference(c);
    if (!cmp.removed.empty()) s = s.difference(cmp.removed);
    if (s.empty()) managers.delete(id);
    else m.set = s;
  }
  return cmp;
}

/**
 * A non-apply write by `manager` (identifier): it gains every field that
 * changed, the others lose them; never conflicts.
 */
export function updaterUpdate(oldV: JsonValue | undefined, newV: JsonValue | undefined, managers: Managers,
  manager: string, info: Omit<ManagerState, 'set' | 'time'>, ctx: UpdaterContext): void {
  const cmp = takeChanged(oldV, newV, managers, manager, true, ctx);
  const prev = managers.get(manager)?.set ?? new FieldSet();
  const set = prev.difference(cmp.removed).union(cmp.modified).union(cmp.added).recursiveDifference(ctx.ignored);
  if (set.empty()) managers.delete(manager);
  else managers.set(manager, { ...info, set });
}

/**
 * Merges `config` into `live` for `manager` (identifier), prunes what it
 * stopped sending, and returns the new object. Throws ConflictsError unless
 * `force`. `configSet` is the config's field set (already validated).
 */
export function updaterApply(live: JsonValue | undefined, config: JsonValue, configSet: FieldSet, managers: Managers,
  manager: string, info: Omit<ManagerState, 'set' | 'time'>, force: boolean, ctx: UpdaterContext): JsonValue | undefined {
  let merged = mergeValues(live, config, ctx.type);
  const last = managers.get(manager);
  managers.set(manager, { ...info, set: configSet.recursiveDifference(ctx.ignored), ...(last?.time ? { time: last.time } : {}) });
  if (last && !last.set.empty() && merged !== undefined) merged = prune(merged, managers, last.set, ctx.type);
  takeChanged(live, merged, managers, manager, force, ctx);
  return merged;
}

/** Whether apply changed the object (upstream returns no object for a no-op apply). */
export function changed(live: JsonValue | undefined, merged: JsonValue | undefined): boolean {
  return !valuesEqual(live, merged);
}

/**
 * Removes fields, list items and map keys that the applier owned last time,
 * did not send now, and no manager (the applier's new set included) owns
 * (upstream prune + addBackOwnedItems + addBackDanglingItems).
 */
function prune(merged: JsonValue, managers: Managers, lastSet: FieldSet, t: FieldType): JsonValue {
  const ensure = (s: FieldSet): FieldSet => ensureNamedFieldsAreMembers(s, t);
  const setOf = (v: JsonValue | undefined): FieldSet => (v === undefined ? new FieldSet() : ensure(toFieldSet(v, t)));
  const last = ensure(lastSet);
  let pruned = removeItems(merged, last, t);
  let managed = new FieldSet();
  for (const m of managers.values()) managed = managed.union(m.set);
  const mergedSet = setOf(merged);
  pruned = removeItems(merged, mergedSet.difference(setOf(pruned).union(ensure(managed))), t);
  const dangling = mergedSet.difference(setOf(pruned)).intersection(last);
  return removeItems(merged, dangling, t) ?? {};
}
