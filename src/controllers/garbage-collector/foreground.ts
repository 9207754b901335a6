/**
 * An owner deleting its dependents in the foreground (upstream's
 * processDeletingDependentsItem): while dependents whose reference to it has
 * blockOwnerDeletion=true remain in the graph, it queues them (each is then
 * deleted, or found gone, by attemptToDelete) and waits: the graph queues
 * the owner again whenever one of them goes or stops blocking. When none
 * remain it removes the owner's `foregroundDeletion` finalizer, and the
 * server deletes the owner once no finalizer is left. Dependents that do not
 * block are deleted too (queued when the owner started deleting) but are not
 * waited for.
 */
import type { ResourceDescriptor } from '../../client/resource.js';
import type { GcContext } from './context.js';
import type { GraphNode } from './graph.js';
import { describe, FOREGROUND_FINALIZER, type ObjectIdentity } from './identity.js';
import { removeFinalizer } from './live.js';

export async function processDeletingDependents(ctx: GcContext, node: GraphNode, resource: ResourceDescriptor,
  identity: ObjectIdentity): Promise<void> {
  const blocking = node.blockingDependents();
  if (blocking.length === 0) {
    if (await removeFinalizer(ctx.client, resource, identity, FOREGROUND_FINALIZER)) {
      ctx.logger.info({ owner: describe(identity) }, `no blocking dependents remain; removed the ${FOREGROUND_FINALIZER} finalizer`);
    }
    return;
  }
  for (const dep of blocking) if (!dep.deletingDependents) ctx.requeueDeleteAfter(dep.uid, 0);
  ctx.logger.debug({ owner: describe(identity), blocking: blocking.map((d) => describe(d.identity)) }, 'waiting for blocking dependents');
}
