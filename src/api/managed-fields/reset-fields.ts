/**
 * Fields the field manager never records: object identity and server-set
 * metadata (upstream stripMetaManager), and the fields a resource's strategy
 * resets for a write path (upstream GetResetFields).
 */
import { FieldSet } from './field-set.js';
import type { FieldPath } from './path-element.js';

const f = (...names: string[]): FieldPath => names.map((field) => ({ field }));

/** Removed (as members, not subtrees) from the operating manager's set after every write. */
export const STRIPPED_FIELDS: FieldSet = FieldSet.of(
  f('apiVersion'), f('kind'), f('metadata'), f('metadata', 'name'), f('metadata', 'namespace'),
  f('metadata', 'creationTimestamp'), f('metadata', 'selfLink'), f('metadata', 'uid'),
  f('metadata', 'clusterName'), f('metadata', 'generation'), f('metadata', 'managedFields'),
  f('metadata', 'resourceVersion'),
);

/**
 * The reset fields most strategies declare: `status` for main-resource
 * writes; `spec` and `metadata.labels` for the status subresource (apps
 * workloads; pass the resource's own list when it differs, e.g. pods reset
 * `spec`, `metadata.deletionTimestamp` and `metadata.ownerReferences`).
 */
export function defaultResetFields(subresource?: string): FieldPath[] {
  if (!subresource) return [f('status')];
  if (subresource === 'status') return [f('spec'), f('metadata', 'labels')];
  return [];
}
