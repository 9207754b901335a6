/**
 * Node health as upstream's tryUpdateNodeHealth judges it: a node is healthy
 * while its kubelet keeps renewing the node's Lease (kube-node-lease/<node>)
 * or posting new Ready heartbeats. Time is measured on this controller's own
 * clock from when it last *saw* a renewal, so clock skew between machines
 * does not matter.
 */
import type { Node, NodeCondition } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { nodeCondition } from '../../api/pods/conditions.js';
import { NODE_LEASE_NAMESPACE } from '../../api/nodes/lease.js';

export { NODE_LEASE_NAMESPACE };

/** The conditions the kubelet owns and this controller marks Unknown when it goes silent. */
export const KUBELET_CONDITION_TYPES = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

interface Observed { probeMs: number; heartbeat: string; renewTime: string }

/** Remembers, per node, when a renewal was last seen. */
export class NodeHealthTracker {
  private readonly observed = new Map<string, Observed>();

  /**
   * Records what the node and its Lease show now; returns the time (ms, this
   * clock) of the last renewal seen. A node seen for the first time counts
   * as renewed now.
   */
  observe(node: Node, lease: Lease | undefined, nowMs: number): number {
    const name = node.metadata?.name ?? '';
    const heartbeat = nodeCondition(node, 'Ready')?.lastHeartbeatTime ?? '';
    const renewTime = lease?.spec?.renewTime ?? '';
    const prev = this.observed.get(name);
    if (!prev || prev.heartbeat !== heartbeat || prev.renewTime !== renewTime) {
      const first = !prev;
      // A Lease renewal or a newer heartbeat proves the kubelet alive; the
      // first sight of a node starts its grace period.
      const renewed = first || (renewTime !== '' && renewTime !== prev.renewTime)
        || (heartbeat !== '' && heartbeat !== prev.heartbeat);
      this.observed.set(name, { probeMs: renewed ? nowMs : prev.probeMs, heartbeat, renewTime });
    }
    return this.observed.get(name)!.probeMs;
  }

  forget(name: string): void { this.observed.delete(name); }
}

/**
 * The node's conditions with every kubelet-owned one set to Unknown (reason
 * NodeStatusUnknown, or NodeStatusNeverUpdated when the kubelet never posted
 * it), or undefined when all of them already are Unknown.
 */
export function unknownConditions(node: Node, now: string): NodeCondition[] | undefined {
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of KUBELET_CONDITION_TYPES) {
    const c = conditions.find((x) => x.type === type);
    if (!c) {
      conditions.push({
        type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.',
        lastHeartbeatTime: node.metadata?.creationTimestamp ?? now, lastTransitionTime: now,
      });
      changed = true;
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
      c.lastTransitionTime = now;
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}
