/**
 * Live reads and writes of one object by identity: every decision that
 * deletes or changes something is taken on what the server says now, never
 * on the graph alone.
 *
 * Writes are merge patches that carry the uid and resourceVersion read just
 * before (a stale one is a 409, retried on a fresh read), so an object
 * replaced under the same name, or changed meanwhile, is never clobbered.
 */
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { StatusError } from '../../api/errors.js';
import type { ApiObject } from '../../client/api-object.js';
import type { RestClient } from '../../client/rest-client.js';
import type { ResourceDescriptor } from '../../client/resource.js';
import type { ObjectIdentity } from './identity.js';

/** Attempts of a read-modify-patch before a conflict is handed to the queue's back-off. */
const CONFLICT_ATTEMPTS = 5;

export function isStatus(e: unknown, ...codes: number[]): boolean {
  return e instanceof StatusError && codes.includes(e.code);
}

/** The object at `id` if it exists with `id.uid`; undefined when absent (404 or another uid). */
export async function getLive(client: RestClient, res: ResourceDescriptor, id: ObjectIdentity): Promise<ApiObject | undefined> {
  try {
    const obj = await client.get(res, id.name, res.namespaced ? { namespace: id.namespace } : {});
    return obj.metadata?.uid === id.uid ? obj : undefined;
  } catch (e) {
    if (isStatus(e, 404)) return undefined;
    throw e;
  }
}

/**
 * Reads the object, asks `change` for the metadata fields to set (undefined:
 * nothing to do), and merge-patches them with uid + resourceVersion
 * preconditions; retries on 409. Resolves false when the object is gone (or
 * replaced) or nothing needed changing.
 */
export async function patchMetadata(client: RestClient, res: ResourceDescriptor, id: ObjectIdentity,
  change: (meta: ObjectMeta) => Partial<Record<keyof ObjectMeta, unknown>> | undefined): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const live = await getLive(client, res, id);
    if (!live?.metadata) return false;
    const fields = change(live.metadata);
    if (!fields) return false;
    const patch = { metadata: { uid: id.uid, resourceVersion: live.metadata.resourceVersion, ...fields } };
    try {
      await client.patch(res, id.name, patch, { type: 'merge', ...(res.namespaced ? { namespace: id.namespace } : {}) });
      return true;
    } catch (e) {
      if (isStatus(e, 404)) return false;
      if (!isStatus(e, 409) || attempt >= CONFLICT_ATTEMPTS) throw e;
    }
  }
}

/** Removes the ownerReferences to `ownerUids`. */
export function removeOwnerReferences(client: RestClient, res: ResourceDescriptor, id: ObjectIdentity,
  ownerUids: ReadonlySet<string>): Promise<boolean> {
  return patchMetadata(client, res, id, (meta) => {
    const refs = meta.ownerReferences ?? [];
    const keep = refs.filter((r) => !ownerUids.has(r.uid));
    if (keep.length === refs.length) return undefined;
    return { ownerReferences: keep.length ? keep : null };
  });
}

/** Sets blockOwnerDeletion=false on every ownerReference that blocks. */
export function unblockOwnerReferences(client: RestClient, res: ResourceDescriptor, id: ObjectIdentity): Promise<boolean> {
  return patchMetadata(client, res, id, (meta) => {
    const refs = meta.ownerReferences ?? [];
    if (!refs.some((r) => r.blockOwnerDeletion)) return undefined;
    return { ownerReferences: refs.map((r) => (r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r)) };
  });
}

/** Removes `finalizer` from metadata.finalizers. */
export function removeFinalizer(client: RestClient, res: ResourceDescriptor, id: ObjectIdentity, finalizer: string): Promise<boolean> {
  return patchMetadata(client, res, id, (meta) => {
    const fins = meta.finalizers ?? [];
    if (!fins.includes(finalizer)) return undefined;
    const keep = fins.filter((f) => f !== finalizer);
    return { finalizers: keep.length ? keep : null };
  });
}

/**
 * DELETE with a uid precondition. Resolves false when the object was already
 * gone or replaced (404, or 409 on the uid).
 */
export async function deleteObject(client: RestClient, res: ResourceDescriptor, id: ObjectIdentity,
  propagationPolicy: 'Orphan' | 'Background' | 'Foreground'): Promise<boolean> {
  try {
    await client.delete(res, id.name, {
      propagationPolicy, preconditions: { uid: id.uid }, ...(res.namespaced ? { namespace: id.namespace } : {}),
    });
    return true;
  } catch (e) {
    if (isStatus(e, 404)) return false;
    if (isStatus(e, 409) && !(await getLive(client, res, id))) return false;
    throw e;
  }
}
