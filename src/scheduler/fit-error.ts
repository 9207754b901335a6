/**
 * The message of a pod that fits no node (upstream's FitError.Error()):
 * `0/4 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu},
 * 3 Insufficient cpu. preemption: ...` — a sorted histogram of the filter
 * reasons (or the PreFilter message), then the PostFilter message.
 */
import type { Status } from './framework/status.js';

export interface Diagnosis {
  /** Rejection per evaluated node. */
  nodeToStatus: Map<string, Status>;
  /** Set when a PreFilter plugin rejected the pod for every node. */
  preFilterMsg?: string;
  postFilterMsg?: string;
  /** Plugins that rejected the pod (for requeueing on their events). */
  unschedulablePlugins: Set<string>;
}

export const NO_NODE_AVAILABLE = (n: number): string => `0/${n} nodes are available`;

export class FitError extends Error {
  constructor(readonly numAllNodes: number, readonly diagnosis: Diagnosis) {
    super(NO_NODE_AVAILABLE(numAllNodes));
  }

  /** The full message, with whatever PostFilter added to the diagnosis. */
  describe(): string {
    let msg = `${NO_NODE_AVAILABLE(this.numAllNodes)}:`;
    const d = this.diagnosis;
    if (d.preFilterMsg) msg += ` ${d.preFilterMsg}.`;
    else {
      const hist = new Map<string, number>();
      for (const s of d.nodeToStatus.values()) for (const r of s.reasons) hist.set(r, (hist.get(r) ?? 0) + 1);
      const parts = [...hist].map(([r, n]) => `${n} ${r}`).sort();
      if (parts.length) msg += ` ${parts.join(', ')}.`;
    }
    if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
    return msg;
  }
}
