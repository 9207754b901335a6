/**
 * The node Lease a kubelet renews in kube-node-lease: holder the node, 40 s
 * duration, owned by the Node so it goes when the node goes.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { microTime } from '../client/index.js';
import { NODE_LEASE_NAMESPACE } from './well-known.js';

/** Upstream kubelet's nodeLeaseDurationSeconds. */
export const NODE_LEASE_DURATION_SECONDS = 40;

export function nodeLease(node: { name: string; uid?: string }, nowMs: number): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    metadata: {
      name: node.name, namespace: NODE_LEASE_NAMESPACE,
      ...(node.uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid }] } : {}),
    },
    spec: { holderIdentity: node.name, leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS, renewTime: microTime(nowMs) },
  };
}
