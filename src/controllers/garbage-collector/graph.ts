/**
 * The owner-reference graph (upstream's GraphBuilder.uidToNode and its
 * processGraphChanges), keyed by uid, holding only metadata. Informer events
 * update it synchronously, in order; the graph never calls the API. What
 * needs work is handed to `hooks`, which only enqueue:
 * - attemptToDelete(node): a dependent that may have lost its owners, an owner
 *   deleting its dependents in the foreground, or a virtual node to verify;
 * - attemptToOrphan(node): an owner waiting for the `orphan` finalizer.
 *
 * A virtual node is an owner named by some ownerReference but not observed
 * (yet); only a live lookup may conclude it is absent (virtualDelete).
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { AbsentOwnerCache } from './absent-owner-cache.js';
import { groupOf, ownerIdentity, referenceMatches, type ObjectIdentity } from './identity.js';

/** The part of an observed object the graph keeps. */
export interface ObservedObject {
  identity: ObjectIdentity;
  ownerReferences: readonly OwnerReference[];
  /** metadata.deletionTimestamp is set. */
  beingDeleted: boolean;
  /** Being deleted with the `foregroundDeletion` finalizer. */
  deletingDependents: boolean;
  /** Being deleted with the `orphan` finalizer. */
  waitingForOrphaning: boolean;
}

export class GraphNode {
  /** The ownerReferences last observed (none for a virtual node). */
  owners: readonly OwnerReference[] = [];
  readonly dependents = new Set<GraphNode>();
  beingDeleted = false;
  deletingDependents = false;

  constructor(public identity: ObjectIdentity, public virtual: boolean) {}

  get uid(): string { return this.identity.uid; }

  /** This node's reference to `ownerUid`, if it has one. */
  ownerReference(ownerUid: string): OwnerReference | undefined {
    return this.owners.find((r) => r.uid === ownerUid);
  }

  /** Dependents whose reference to this node has blockOwnerDeletion=true. */
  blockingDependents(): GraphNode[] {
    return [...this.dependents].filter((d) => d.ownerReference(this.uid)?.blockOwnerDeletion === true);
  }
}

export interface GraphHooks {
  attemptToDelete(node: GraphNode): void;
  attemptToOrphan(node: GraphNode): void;
}

export class OwnerGraph {
  private readonly nodes = new Map<string, GraphNode>();

  constructor(private readonly hooks: GraphHooks, private readonly absent: AbsentOwnerCache) {}

  get(uid: string): GraphNode | undefined { return this.nodes.get(uid); }

  get size(): number { return this.nodes.size; }

  /** An object was added or updated. */
  observe(obj: ObservedObject): void {
    let node = this.nodes.get(obj.identity.uid);
    let oldOwners: readonly OwnerReference[] = [];
    if (!node) {
      node = new GraphNode(obj.identity, false);
      this.nodes.set(node.uid, node);
    } else {
      oldOwners = node.owners;
      if (node.virtual) {
        node.virtual = false;
        // Dependents that named this owner by other coordinates check their owners again.
        for (const dep of node.dependents) {
          if (!dep.owners.some((r) => referenceMatches(obj.identity, r, dep.identity.namespace))) this.hooks.attemptToDelete(dep);
        }
      }
      node.identity = obj.identity;
    }
    const startsDeletingDependents = obj.deletingDependents && !node.deletingDependents;
    node.beingDeleted = obj.beingDeleted;
    node.deletingDependents = obj.deletingDependents;
    this.setOwners(node, oldOwners, obj.ownerReferences);
    if (obj.waitingForOrphaning) this.hooks.attemptToOrphan(node);
    if (obj.deletingDependents) {
      if (startsDeletingDependents) for (const dep of node.dependents) this.hooks.attemptToDelete(dep);
      this.hooks.attemptToDelete(node);
    }
  }

  /** An informer saw the object go. */
  observeDeleted(obj: Pick<ObservedObject, 'identity'>): void {
    const node = this.nodes.get(obj.identity.uid);
    if (node && !node.virtual) this.removeNode(node);
  }

  /**
   * A live lookup found nothing at `id` (404 or another uid). Dependents that
   * mean `id` are queued; the node goes unless it was observed elsewhere or
   * other dependents name it by coordinates not yet looked up.
   */
  virtualDelete(id: ObjectIdentity): void {
    this.absent.add(id);
    const node = this.nodes.get(id.uid);
    if (!node) return;
    const means = (dep: GraphNode): boolean => dep.owners.some((r) => referenceMatches(id, r, dep.identity.namespace));
    if (!node.virtual) {
      if (sameCoordinates(node.identity, id)) { this.removeNode(node); return; }
      for (const dep of node.dependents) if (means(dep)) this.hooks.attemptToDelete(dep);
      return;
    }
    const others: GraphNode[] = [];
    for (const dep of node.dependents) {
      if (means(dep)) this.hooks.attemptToDelete(dep);
      else if (!this.knownAbsent(dep, id.uid)) others.push(dep);
    }
    if (others.length === 0) { this.removeNode(node); return; }
    const alt = others[0]!;
    node.identity = ownerIdentity(alt.ownerReference(id.uid)!, alt.identity.namespace);
    this.hooks.attemptToDelete(node);
  }

  private knownAbsent(dep: GraphNode, ownerUid: string): boolean {
    const ref = dep.ownerReference(ownerUid);
    return !ref || this.absent.has(ownerIdentity(ref, dep.identity.namespace)) || this.absent.has(ownerIdentity(ref, ''));
  }

  private removeNode(node: GraphNode): void {
    this.nodes.delete(node.uid);
    for (const ref of node.owners) this.detach(node, ref.uid);
    if (node.dependents.size > 0 && !node.virtual) this.absent.add(node.identity);
    for (const dep of node.dependents) this.hooks.attemptToDelete(dep);
  }

  /** Removes `dep` from the dependents of `ownerUid`. */
  private detach(dep: GraphNode, ownerUid: string): void {
    const owner = this.nodes.get(ownerUid);
    if (!owner) return;
    owner.dependents.delete(dep);
    if (owner.deletingDependents) this.hooks.attemptToDelete(owner);
    else if (owner.virtual && owner.dependents.size === 0) this.nodes.delete(owner.uid);
  }

  private setOwners(node: GraphNode, oldRefs: readonly OwnerReference[], newRefs: readonly OwnerReference[]): void {
    const oldBy = new Map(oldRefs.map((r) => [r.uid, r]));
    const newBy = new Map(newRefs.map((r) => [r.uid, r]));
    node.owners = newRefs.map((r) => ({ ...r }));
    for (const [uid, ref] of newBy) {
      const old = oldBy.get(uid);
      let owner = this.nodes.get(uid);
      if (!old || !owner) {
        if (!owner) {
          owner = new GraphNode(ownerIdentity(ref, node.identity.namespace), true);
          this.nodes.set(uid, owner);
          this.hooks.attemptToDelete(owner);
        }
        owner.dependents.add(node);
        if (owner.deletingDependents) this.hooks.attemptToDelete(node);
      } else if (old.blockOwnerDeletion && !ref.blockOwnerDeletion && owner.deletingDependents) {
        this.hooks.attemptToDelete(owner);
      }
    }
    for (const uid of oldBy.keys()) if (!newBy.has(uid)) this.detach(node, uid);
  }
}

function sameCoordinates(a: ObjectIdentity, b: ObjectIdentity): boolean {
  return a.uid === b.uid && a.name === b.name && a.namespace === b.namespace && a.kind === b.kind
    && groupOf(a.apiVersion) === groupOf(b.apiVersion);
}
