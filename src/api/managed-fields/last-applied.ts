/**
 * Upgrading from client-side apply (upstream lastappliedmanager.go and
 * lastappliedupdater.go): for the "kubectl" manager only, conflicts on fields
 * that kubectl's last-applied-configuration annotation recorded, and whose
 * value the live object still has, are forced; and a kubectl server-side
 * apply keeps an existing annotation in step with what it applied.
 */
import { compareObjects } from './compare.js';
import type { FieldSet } from './field-set.js';
import { toFieldSet } from './to-field-set.js';
import type { FieldType } from './types.js';
import type { JsonObject, JsonValue } from './value.js';
import { isObject, toGoJson } from './value.js';
import { deepClone } from '../object.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** The only manager the migration applies to; other names opt out. */
export const KUBECTL_MANAGER = 'kubectl';
/** Upstream's total annotation size limit; a bigger annotation is dropped. */
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

function annotations(o: JsonValue | undefined): JsonObject | undefined {
  const md = isObject(o) ? o.metadata : undefined;
  const a = isObject(md) ? md.annotations : undefined;
  return isObject(a) ? a : undefined;
}

export function hasLastApplied(o: JsonValue | undefined): boolean {
  const v = annotations(o)?.[LAST_APPLIED_ANNOTATION];
  return typeof v === 'string' && v !== '';
}

/**
 * Fields in the last-applied annotation whose value the live object still
 * carries; undefined when there is no usable annotation (missing, not JSON,
 * or another apiVersion).
 */
export function allowedConflictsFromLastApplied(live: JsonValue | undefined, type: FieldType, apiVersion: string): FieldSet | undefined {
  const raw = annotations(live)?.[LAST_APPLIED_ANNOTATION];
  if (typeof raw !== 'string' || raw === '' || live === undefined) return undefined;
  let last: JsonValue;
  try {
    last = JSON.parse(raw) as JsonValue;
  } catch {
    return undefined;
  }
  if (!isObject(last) || last.apiVersion !== apiVersion) return undefined;
  let set: FieldSet;
  try {
    set = toFieldSet(last, type);
  } catch {
    return undefined;
  }
  const c = compareObjects(last, live, type);
  return set.difference(c.modified).difference(c.added).difference(c.removed);
}

/** The annotation value for an applied config: its JSON (sorted keys, trailing newline) without the annotation. */
export function buildLastApplied(config: JsonObject): string {
  const copy = deepClone(config);
  const a = annotations(copy);
  if (a) delete a[LAST_APPLIED_ANNOTATION];
  return `${toGoJson(copy)}\n`;
}

/** Sets the annotation on `obj` in place, dropping it when annotations would exceed the size limit. */
export function setLastApplied(obj: JsonObject, value: string): void {
  const md = isObject(obj.metadata) ? obj.metadata : (obj.metadata = {});
  const a = isObject(md.annotations) ? md.annotations : (md.annotations = {});
  a[LAST_APPLIED_ANNOTATION] = value;
  let size = 0;
  for (const [k, v] of Object.entries(a)) size += k.length + (typeof v === 'string' ? v.length : 0);
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) delete a[LAST_APPLIED_ANNOTATION];
}
