/**
 * The two halves every resource with a status splits into: main updates keep
 * the stored status, status updates keep everything else.
 */
import type { WithMeta } from '../../../api/object.js';
import { deepClone } from '../../../api/object.js';

/** Main-resource update: the client's status is replaced by the stored one. */
export function keepStatus(obj: WithMeta, old: WithMeta): void {
  if (old.status === undefined) delete obj.status; else obj.status = deepClone(old.status);
}

/** Status update: every top-level field but metadata and status comes from the stored object. */
export function keepAllButStatus(obj: WithMeta, old: WithMeta): void {
  for (const k of Object.keys(obj)) if (k !== 'metadata' && k !== 'status' && !(k in old)) delete obj[k];
  for (const [k, v] of Object.entries(old)) if (k !== 'metadata' && k !== 'status') obj[k] = deepClone(v);
}

/** The status a client sent on create is dropped. */
export function clearStatus(obj: WithMeta): void {
  delete obj.status;
}

/** Sets `status` (which kubernetes-types declares read-only). */
export function setStatus(obj: object, status: unknown): void {
  (obj as Record<string, unknown>).status = status;
}
