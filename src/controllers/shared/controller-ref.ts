/**
 * Controller references (upstream's metav1.GetControllerOf and
 * ControllerRefManager): the one ownerReference with `controller: true`,
 * building one, and claiming objects for an owner: adopt matching orphans,
 * keep matching owned ones, release owned ones that no longer match.
 *
 * Adoption and release are strategic merge patches of ownerReferences
 * (merge key uid) with the dependent's uid as precondition, so a dependent
 * recreated under the same name is never touched. An owner that is being
 * deleted adopts nothing. Before the first adoption in a claim, `canAdopt`
 * is asked (upstream re-reads the owner uncached to check it still exists
 * with the same uid and is not being deleted).
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { ApiObject } from '../../client/api-object.js';
import type { ResourceDescriptor } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';

export function getControllerOf(obj: ApiObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** A controller reference to `owner` (which must carry apiVersion, kind, name and uid). */
export function newControllerRef(owner: ApiObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata!.name!, uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true };
}

export interface ClaimOptions<T extends ApiObject> {
  client: RestClient;
  /** The dependents' resource (pods, replicasets, controllerrevisions...). */
  resource: ResourceDescriptor;
  owner: ApiObject;
  ownerApiVersion: string;
  ownerKind: string;
  /** Whether a dependent belongs to the owner by its labels (the owner's selector). */
  matches: (obj: T) => boolean;
  /** Asked once before the first adoption; false cancels all adoptions of this claim. @default () => true */
  canAdopt?: () => Promise<boolean>;
  fieldManager?: string;
}

/**
 * Returns the dependents (from `candidates`, usually the owner's namespace in
 * an informer cache) that the owner controls after the claim. Failed
 * adoptions and releases (404, 409, 422: the dependent changed or is gone)
 * leave the object out; other errors reject.
 */
export async function claimObjects<T extends ApiObject>(candidates: readonly T[], opts: ClaimOptions<T>): Promise<T[]> {
  const ownerUid = opts.owner.metadata!.uid!;
  const claimed: T[] = [];
  let adoptable: boolean | undefined;
  const expected = (e: unknown): boolean => [404, 409, 422].includes((e as { code?: number }).code ?? 0);
  for (const obj of candidates) {
    const ref = getControllerOf(obj);
    const ns = obj.metadata!.namespace;
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (opts.matches(obj)) { claimed.push(obj); continue; }
      if (obj.metadata!.deletionTimestamp) continue;
      // Owned but no longer matching: release.
      try {
        await opts.client.patch(opts.resource, obj.metadata!.name!, {
          metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: obj.metadata!.uid },
        }, { namespace: ns, type: 'strategic', ...(opts.fieldManager ? { fieldManager: opts.fieldManager } : {}) });
      } catch (e) {
        if (!expected(e)) throw e;
      }
      continue;
    }
    // An orphan: adopt it if it matches, unless it or the owner is going away.
    if (!opts.matches(obj) || obj.metadata!.deletionTimestamp || opts.owner.metadata!.deletionTimestamp) continue;
    adoptable ??= await (opts.canAdopt?.() ?? Promise.resolve(true));
    if (!adoptable) continue;
    try {
      const adopted = await opts.client.patch<T>(opts.resource, obj.metadata!.name!, {
        metadata: { ownerReferences: [newControllerRef(opts.owner, opts.ownerApiVersion, opts.ownerKind)], uid: obj.metadata!.uid },
      }, { namespace: ns, type: 'strategic', ...(opts.fieldManager ? { fieldManager: opts.fieldManager } : {}) });
      claimed.push(adopted);
    } catch (e) {
      if (!expected(e)) throw e;
    }
  }
  return claimed;
}

/**
 * The usual canAdopt: re-read the owner from the API (not the cache) and
 * refuse when it is gone, was replaced (uid differs) or is being deleted.
 */
export function recheckOwner(client: RestClient, resource: ResourceDescriptor, owner: ApiObject): () => Promise<boolean> {
  return async () => {
    try {
      const fresh = await client.get(resource, owner.metadata!.name!, { namespace: owner.metadata!.namespace });
      return fresh.metadata?.uid === owner.metadata!.uid && !fresh.metadata?.deletionTimestamp;
    } catch (e) {
      if ((e as { code?: number }).code === 404) return false;
      throw e;
    }
  };
}
