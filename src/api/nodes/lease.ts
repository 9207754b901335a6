/**
 * The node Lease every kubelet (real or simulated) renews in
 * kube-node-lease: named after the node, held by the node, 40 s long, owned
 * by the Node so that it goes when the Node goes (upstream's
 * pkg/kubelet/nodelease and component-helpers' lease controller).
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';

/** Where kubelets keep their node Leases. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** Upstream kubelet's nodeLeaseDurationSeconds. */
export const NODE_LEASE_DURATION_SECONDS = 40;

/** Upstream renews every quarter of the duration: 10 s for 40 s. */
export const NODE_LEASE_RENEW_INTERVAL_FRACTION = 0.25;

/**
 * The Lease of `node` renewed at `renewTime` (a MicroTime). The owner
 * reference is set only when the Node's uid is known.
 */
export function nodeLease(node: { name: string; uid?: string }, renewTime: string,
  opts: { durationSeconds?: number } = {}): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    metadata: {
      name: node.name, namespace: NODE_LEASE_NAMESPACE,
      ...(node.uid ? { ownerReferences: [nodeOwnerReference(node.name, node.uid)] } : {}),
    },
    spec: { holderIdentity: node.name, leaseDurationSeconds: opts.durationSeconds ?? NODE_LEASE_DURATION_SECONDS, renewTime },
  };
}

/** The owner reference a node Lease carries: the Node, as upstream's setNodeOwnerFunc sets it. */
export function nodeOwnerReference(name: string, uid: string): { apiVersion: string; kind: string; name: string; uid: string } {
  return { apiVersion: 'v1', kind: 'Node', name, uid };
}
