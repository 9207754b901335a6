/**
 * The node Lease a simulated kubelet renews: the same Lease a real kubelet
 * renews (src/api/nodes/lease.ts), stamped with the client's MicroTime.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { nodeLease as apiNodeLease } from '../api/nodes/lease.js';
import { microTime } from '../client/index.js';

export { NODE_LEASE_DURATION_SECONDS } from '../api/nodes/lease.js';

export function nodeLease(node: { name: string; uid?: string }, nowMs: number): Lease {
  return apiNodeLease(node, microTime(nowMs));
}
