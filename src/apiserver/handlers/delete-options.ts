/**
 * DeleteOptions from a request body, with the type of every field it sets
 * checked as Go's decoder checks it: a field of the wrong JSON type is a 400
 * naming it, never an error further on.
 */
import type { DeleteOptions } from 'kubernetes-types/meta/v1.js';
import { badRequest } from '../../api/errors.js';
import { isPlainObject } from '../../api/object.js';

type FieldType = 'string' | 'bool' | 'int64' | '[]string' | 'Preconditions';

const FIELDS: Record<string, FieldType> = {
  kind: 'string', apiVersion: 'string', gracePeriodSeconds: 'int64', preconditions: 'Preconditions',
  orphanDependents: 'bool', propagationPolicy: 'string', dryRun: '[]string',
  ignoreStoreReadErrorWithClusterBreakingPotential: 'bool',
};

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}

function fits(v: unknown, t: FieldType): boolean {
  switch (t) {
    case 'string': return typeof v === 'string';
    case 'bool': return typeof v === 'boolean';
    case 'int64': return typeof v === 'number' && Number.isSafeInteger(v);
    case '[]string': return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'Preconditions': return isPlainObject(v) && ['uid', 'resourceVersion'].every((k) => v[k] === undefined || v[k] === null || typeof v[k] === 'string');
  }
}

/** `value` as DeleteOptions; 400 BadRequest when it is no object or a known field has the wrong type (null counts as unset). */
export function checkDeleteOptions(value: unknown): DeleteOptions {
  if (!isPlainObject(value)) throw badRequest('DeleteOptions must be an object');
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const t = FIELDS[k];
    if (v === null || t === undefined) continue;
    if (!fits(v, t)) {
      throw badRequest(`json: cannot unmarshal ${jsonType(v)} into Go struct field DeleteOptions.${k} of type ${t === 'Preconditions' ? 'v1.Preconditions' : t}`);
    }
    opts[k] = v;
  }
  return opts as DeleteOptions;
}
