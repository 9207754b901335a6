/**
 * The status conditions the namespace controller keeps on a Namespace while
 * deleting its content (upstream's namespace_condition_updater.go): every
 * type is always present, True with a failure reason while stuck, else False
 * with the "ok" reason and message. Texts match upstream, since users and
 * tools read them.
 */
import type { Namespace, NamespaceCondition } from 'kubernetes-types/core/v1.js';
import { nowRfc3339Seconds } from '../api/time.js';

export type NamespaceConditionType =
  | 'NamespaceDeletionDiscoveryFailure' | 'NamespaceDeletionGroupVersionParsingFailure'
  | 'NamespaceDeletionContentFailure' | 'NamespaceContentRemaining' | 'NamespaceFinalizersRemaining';

export const CONDITION_TYPES: readonly NamespaceConditionType[] = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
];

const OK_MESSAGES: Record<NamespaceConditionType, string> = {
  NamespaceDeletionDiscoveryFailure: 'All resources successfully discovered',
  NamespaceDeletionGroupVersionParsingFailure: 'All legacy kube types successfully parsed',
  NamespaceDeletionContentFailure: 'All content successfully deleted, may be waiting on finalization',
  NamespaceContentRemaining: 'All content successfully removed',
  NamespaceFinalizersRemaining: 'All content-preserving finalizers finished',
};

const OK_REASONS: Record<NamespaceConditionType, string> = {
  NamespaceDeletionDiscoveryFailure: 'ResourcesDiscovered',
  NamespaceDeletionGroupVersionParsingFailure: 'ParsedGroupVersions',
  NamespaceDeletionContentFailure: 'ContentDeleted',
  NamespaceContentRemaining: 'ContentRemoved',
  NamespaceFinalizersRemaining: 'ContentHasNoFinalizers',
};

/** What one deletion pass left behind: per group/resource counts and per finalizer counts. */
export interface ContentTotals {
  /** `resource.group` (upstream prints `configmaps.` for the core group) -> objects left. */
  remainingByResource: Map<string, number>;
  /** finalizer -> objects carrying it. */
  remainingByFinalizer: Map<string, number>;
}

/** Collects one pass's failures, then writes them onto a Namespace's status. */
export class NamespaceConditionUpdater {
  private readonly conditions: NamespaceCondition[] = [];
  private readonly deleteContentErrors: Error[] = [];

  processGroupVersionErr(message: string): void {
    this.conditions.push(failed('NamespaceDeletionGroupVersionParsingFailure', 'GroupVersionParsingFailed', message));
  }

  /** `failingGroups` is set when discovery failed only for some groups (ErrGroupDiscoveryFailed). */
  processDiscoverResourcesErr(err: Error, failingGroups?: number): void {
    const msg = failingGroups !== undefined ? `Discovery failed for some groups, ${failingGroups} failing: ${err.message}` : err.message;
    this.conditions.push(failed('NamespaceDeletionDiscoveryFailure', 'DiscoveryFailed', msg));
  }

  processDeleteContentErr(err: Error): void {
    this.deleteContentErrors.push(err);
  }

  processContentTotals(t: ContentTotals): void {
    const resources = [...t.remainingByResource].filter(([, n]) => n > 0)
      .map(([gr, n]) => `${gr} has ${n} resource instances`).sort();
    if (resources.length) {
      this.conditions.push(failed('NamespaceContentRemaining', 'SomeResourcesRemain', `Some resources are remaining: ${resources.join(', ')}`));
    }
    const finalizers = [...t.remainingByFinalizer].filter(([, n]) => n > 0)
      .map(([f, n]) => `${f} in ${n} resource instances`).sort();
    if (finalizers.length) {
      this.conditions.push(failed('NamespaceFinalizersRemaining', 'SomeFinalizersRemain',
        `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}`));
    }
  }

  /** Applies the collected conditions to `ns.status` (which it mutates); true when anything changed. */
  update(ns: Namespace): boolean {
    if (this.deleteContentErrors.length && !this.conditions.some((c) => c.type === 'NamespaceDeletionContentFailure')) {
      const msgs = this.deleteContentErrors.map((e) => e.message).sort();
      this.conditions.push(failed('NamespaceDeletionContentFailure', 'ContentDeletionFailed',
        `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(', ')}`));
    }
    const status = (ns.status ??= {});
    const list = (status.conditions ??= []);
    let changed = false;
    for (const type of CONDITION_TYPES) {
      const next = this.conditions.find((c) => c.type === type)
        ?? { type, status: 'False', lastTransitionTime: nowRfc3339Seconds(), reason: OK_REASONS[type], message: OK_MESSAGES[type] };
      const old = list.find((c) => c.type === type);
      if (!old) {
        list.push(next);
        changed = true;
      } else if (old.status !== next.status || old.message !== next.message || old.reason !== next.reason) {
        if (old.status !== next.status) old.lastTransitionTime = nowRfc3339Seconds();
        old.status = next.status;
        old.reason = next.reason;
        old.message = next.message;
        changed = true;
      }
    }
    return changed;
  }
}

function failed(type: NamespaceConditionType, reason: string, message: string): NamespaceCondition {
  return { type, status: 'True', lastTransitionTime: nowRfc3339Seconds(), reason, message };
}
