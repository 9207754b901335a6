/**
 * Writing ControllerRevisions through the API (upstream's realHistory):
 * creation that resolves name collisions, renumbering, claiming an owner's
 * revisions by selector, and pruning old ones.
 */
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { deepClone } from '../../api/object.js';
import { labelSelectorAsSelector } from '../../api/selectors/index.js';
import type { ApiObject } from '../../client/api-object.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import { claimObjects, recheckOwner } from '../shared/controller-ref.js';
import type { ResourceDescriptor } from '../../client/resource.js';
import { CONTROLLER_REVISION_HASH_LABEL, controllerRevisionName, equalRevision, hashRevisionData } from './revision.js';

export interface CreatedRevision {
  revision: ControllerRevision;
  /** The collision count after creation (higher than given when a different revision held the name). */
  collisionCount: number;
}

/**
 * Creates `rev` (from newControllerRevision). When its name is taken by a
 * revision with the same data, that one is returned; when taken by other
 * data, the collision count goes up and the name is recomputed.
 */
export async function createControllerRevision(client: RestClient, owner: ApiObject, rev: ControllerRevision,
  collisionCount = 0): Promise<CreatedRevision> {
  let count = collisionCount;
  for (let attempt = 0; attempt < 100; attempt++) {
    const clone = deepClone(rev);
    const hash = hashRevisionData(clone.data, count);
    clone.metadata!.name = controllerRevisionName(owner.metadata!.name!, hash);
    clone.metadata!.labels = { ...(clone.metadata!.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash };
    try {
      const created = await client.create<ControllerRevision>(RESOURCES.controllerrevisions, clone, { namespace: clone.metadata!.namespace! });
      return { revision: created, collisionCount: count };
    } catch (e) {
      if ((e as { code?: number }).code !== 409) throw e;
      const existing = await client.get<ControllerRevision>(RESOURCES.controllerrevisions, clone.metadata!.name, { namespace: clone.metadata!.namespace! });
      if (equalRevision(existing, clone)) return { revision: existing, collisionCount: count };
      count++;
    }
  }
  throw new Error(`could not find a free ControllerRevision name for ${owner.metadata!.namespace}/${owner.metadata!.name}`);
}

/** Gives an existing revision a new revision number (the template became current again). */
export async function updateRevisionNumber(client: RestClient, rev: ControllerRevision, revision: number): Promise<ControllerRevision> {
  if (rev.revision === revision) return rev;
  return client.patch<ControllerRevision>(RESOURCES.controllerrevisions, rev.metadata!.name!, { revision },
    { namespace: rev.metadata!.namespace!, type: 'merge' });
}

/** Deletes a revision; 404 counts as done. */
export async function deleteRevision(client: RestClient, rev: ControllerRevision): Promise<void> {
  try {
    await client.delete(RESOURCES.controllerrevisions, rev.metadata!.name!, { namespace: rev.metadata!.namespace!, preconditions: { uid: rev.metadata!.uid! } });
  } catch (e) {
    if ((e as { code?: number }).code !== 404) throw e;
  }
}

export interface ClaimRevisionsOptions {
  client: RestClient;
  owner: ApiObject;
  ownerResource: ResourceDescriptor;
  ownerApiVersion: string;
  ownerKind: string;
  selector: LabelSelector | undefined;
}

/**
 * The revisions `owner` controls among `candidates` (its namespace's
 * revisions from a cache), after adopting matching orphans and releasing
 * owned ones that no longer match its selector.
 */
export async function claimRevisions(candidates: readonly ControllerRevision[], opts: ClaimRevisionsOptions): Promise<ControllerRevision[]> {
  const selector = labelSelectorAsSelector(opts.selector);
  return claimObjects<ControllerRevision>(candidates, {
    client: opts.client, resource: RESOURCES.controllerrevisions, owner: opts.owner,
    ownerApiVersion: opts.ownerApiVersion, ownerKind: opts.ownerKind,
    matches: (r) => selector.matches(r.metadata?.labels),
    canAdopt: recheckOwner(opts.client, opts.ownerResource, opts.owner),
  });
}
