/**
 * sync(uid) of the attemptToOrphan queue (upstream's attemptToOrphanWorker):
 * for an owner being deleted with the `orphan` finalizer, removes its
 * ownerReference from every dependent in the graph (each a merge patch with
 * uid + resourceVersion preconditions), then removes the `orphan` finalizer
 * from the owner (resourceVersion precondition, retried on 409); the server
 * deletes the owner once no finalizer is left. An owner gone, replaced, or no
 * longer waiting to orphan is done. A failure on any dependent rejects before
 * the finalizer is touched, so the queue retries the whole owner.
 */
import type { GcContext } from './context.js';
import { describe, isWaitingForOrphaning, ORPHAN_FINALIZER } from './identity.js';
import { getLive, removeFinalizer, removeOwnerReferences } from './live.js';

export function attemptToOrphanSync(ctx: GcContext): (uid: string) => Promise<void> {
  return async (uid) => {
    const node = ctx.graph.get(uid);
    if (!node || node.virtual) return;
    const { resource, identity } = ctx.mapper().normalize(node.identity);
    const owner = await getLive(ctx.client, resource, identity);
    if (!owner || !isWaitingForOrphaning(owner.metadata)) return;
    const log = ctx.logger.child({ owner: describe(identity) });

    const errors: unknown[] = [];
    const only = new Set([uid]);
    await Promise.all([...node.dependents].map(async (dep) => {
      try {
        const d = ctx.mapper().normalize(dep.identity);
        if (await removeOwnerReferences(ctx.client, d.resource, d.identity, only)) {
          log.info({ dependent: describe(d.identity) }, 'orphaned dependent');
        }
      } catch (e) {
        errors.push(e);
      }
    }));
    if (errors.length > 0) throw new AggregateError(errors, `orphaning the dependents of ${describe(identity)}: ${errors.length} failed`);
    if (await removeFinalizer(ctx.client, resource, identity, ORPHAN_FINALIZER)) {
      log.info(`dependents orphaned; removed the ${ORPHAN_FINALIZER} finalizer`);
    }
  };
}
