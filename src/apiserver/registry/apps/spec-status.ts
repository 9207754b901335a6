/**
 * The create/update/status hooks every spec+status resource shares (upstream's
 * PrepareForCreate / PrepareForUpdate pairs in pkg/registry/<group>/<resource>):
 * a client never sets status through the main resource, and never changes
 * anything but status (and metadata) through the status subresource.
 */
import type { WithMeta } from '../../../api/object.js';
import { deepClone } from '../../../api/object.js';
import type { StatusStrategy, Strategy } from '../strategy.js';

/** Clears status on create (upstream resets it to the zero value: `{}`). */
export function clearStatus(obj: WithMeta): void {
  obj.status = {};
}

/** Carries old.status over onto obj (main-resource update). */
export function keepStatus(obj: WithMeta, old: WithMeta): void {
  if (old.status === undefined) delete obj.status;
  else obj.status = deepClone(old.status);
}

/** Carries every top-level field but metadata and status over from old (status update). */
export function keepAllButStatus(obj: WithMeta, old: WithMeta): void {
  for (const k of Object.keys(obj)) {
    if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') delete obj[k];
  }
  for (const [k, v] of Object.entries(old)) {
    if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') obj[k] = deepClone(v);
  }
}

/** The status subresource strategy that keeps everything but status. */
export const statusOnly: StatusStrategy = { prepareForUpdate: keepAllButStatus };

/** prepareForCreate/prepareForUpdate/status for a resource with spec and status. */
export const specStatusHooks: Pick<Strategy, 'prepareForCreate' | 'prepareForUpdate' | 'status'> = {
  prepareForCreate: clearStatus,
  prepareForUpdate: keepStatus,
  status: statusOnly,
};
