/**
 * sync(uid) of the attemptToDelete queue (upstream's attemptToDeleteItem).
 * Contract:
 * - an unknown uid is done;
 * - a virtual node is looked up live: absent (404 or another uid) makes a
 *   virtual delete in the graph, which queues its dependents; present is
 *   looked at again after `virtualRecheckMs`;
 * - the item itself is read live: gone removes it from the graph; being
 *   deleted without `foregroundDeletion` is done; with it, the item is an
 *   owner deleting its dependents (foreground.ts);
 * - otherwise each ownerReference is classified by a live lookup of the
 *   owner: solid (exists), dangling (absent), or waiting (exists, deleting
 *   its dependents in the foreground). With a solid owner, dangling and
 *   waiting references are removed by patch; without one the item is deleted
 *   (uid precondition): Foreground when an owner waits for it, else per its
 *   own finalizers (Orphan, Foreground), else Background.
 * Errors reject (the queue retries with back-off); an unknown owner kind is
 * an error, never a reason to delete.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { GcContext } from './context.js';
import type { GraphNode } from './graph.js';
import {
  describe, hasFinalizer, isDeletingDependents, ownerIdentity, FOREGROUND_FINALIZER, ORPHAN_FINALIZER,
} from './identity.js';
import { deleteObject, getLive, removeOwnerReferences, unblockOwnerReferences } from './live.js';
import { processDeletingDependents } from './foreground.js';

type OwnerState = 'solid' | 'dangling' | 'waiting';

export function attemptToDeleteSync(ctx: GcContext): (uid: string) => Promise<void> {
  return async (uid) => {
    const node = ctx.graph.get(uid);
    if (!node) return;
    if (node.virtual) return verifyVirtual(ctx, node);

    const { resource, identity } = ctx.mapper().normalize(node.identity);
    const latest = await getLive(ctx.client, resource, identity);
    if (!latest) {
      if (ctx.graph.get(uid) === node) ctx.graph.virtualDelete(identity);
      return;
    }
    const meta = latest.metadata ?? {};
    if (isDeletingDependents(meta)) return processDeletingDependents(ctx, node, resource, identity);
    if (meta.deletionTimestamp) return;
    const refs = meta.ownerReferences ?? [];
    if (refs.length === 0) return;

    const log = ctx.logger.child({ item: describe(identity) });
    const states = new Map<OwnerReference, OwnerState>();
    for (const ref of refs) {
      const state = await classifyOwner(ctx, ref, identity.namespace);
      if (state === 'invalid') {
        log.warn({ owner: `${ref.kind} ${ref.name} (${ref.uid})` }, 'cluster-scoped object names a namespaced owner; not collecting it');
        return;
      }
      states.set(ref, state);
    }
    const having = (s: OwnerState): OwnerReference[] => refs.filter((r) => states.get(r) === s);
    const solid = having('solid');
    const dangling = having('dangling');
    const waiting = having('waiting');

    if (solid.length > 0) {
      if (dangling.length + waiting.length === 0) return;
      const drop = new Set([...dangling, ...waiting].map((r) => r.uid));
      if (await removeOwnerReferences(ctx.client, resource, identity, drop)) {
        log.info({ removed: [...drop], remaining: solid.map((r) => r.uid) }, 'removed ownerReferences to absent or foreground-deleting owners');
      }
      return;
    }
    if (waiting.length > 0) {
      // An owner waits for this item. If one of the item's own dependents is
      // deleting its dependents too, unblock to break a possible cycle.
      if ([...node.dependents].some((d) => d.deletingDependents)) await unblockOwnerReferences(ctx.client, resource, identity);
      if (await deleteObject(ctx.client, resource, identity, 'Foreground')) {
        log.info({ owners: waiting.map((r) => r.uid), propagationPolicy: 'Foreground' }, 'deleting dependent of an owner deleted in the foreground');
      }
      return;
    }
    const policy = hasFinalizer(meta, ORPHAN_FINALIZER) ? 'Orphan' : hasFinalizer(meta, FOREGROUND_FINALIZER) ? 'Foreground' : 'Background';
    if (await deleteObject(ctx.client, resource, identity, policy)) {
      log.info({ owners: dangling.map((r) => r.uid), propagationPolicy: policy }, 'deleting object whose owners are all gone');
    }
  };
}

/** Looks a virtual owner up; absent becomes a virtual delete, present is looked at again later. */
async function verifyVirtual(ctx: GcContext, node: GraphNode): Promise<void> {
  const { resource, identity } = ctx.mapper().normalize(node.identity);
  const live = ctx.absent.has(identity) ? undefined : await getLive(ctx.client, resource, identity);
  if (ctx.graph.get(identity.uid) !== node) return;
  if (!live) {
    ctx.logger.debug({ owner: describe(identity) }, 'virtual owner is absent');
    ctx.graph.virtualDelete(identity);
    return;
  }
  if (node.virtual) ctx.requeueDeleteAfter(node.uid, ctx.virtualRecheckMs);
}

/** The owner behind `ref` of a dependent in `namespace`, looked up live. */
async function classifyOwner(ctx: GcContext, ref: OwnerReference, namespace: string): Promise<OwnerState | 'invalid'> {
  const { resource, identity } = ctx.mapper().normalize(ownerIdentity(ref, namespace));
  if (resource.namespaced && namespace === '') return 'invalid';
  if (ctx.absent.has(identity)) return 'dangling';
  const owner = await getLive(ctx.client, resource, identity);
  if (!owner) {
    ctx.absent.add(identity);
    return 'dangling';
  }
  return isDeletingDependents(owner.metadata) ? 'waiting' : 'solid';
}
