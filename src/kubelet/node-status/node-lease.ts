/**
 * The kubelet's node lease controller (upstream's pkg/kubelet/nodelease on
 * component-helpers' lease controller): one renewal of the node's Lease in
 * kube-node-lease. The first renewal reads the Lease, creating it when
 * absent; later ones PUT the Lease last written with a new renewTime. A
 * Lease without the Node as owner gets it once the Node's uid is known.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { NODE_LEASE_NAMESPACE, nodeLease, nodeOwnerReference } from '../../api/nodes/lease.js';
import { RESOURCES, microTime, type RestClient } from '../../client/index.js';

function codeOf(e: unknown): unknown {
  return (e as { code?: unknown } | null)?.code;
}

export class NodeLeaseRenewer {
  private lease: Lease | undefined;

  constructor(private readonly client: RestClient, private readonly node: { name: string; uid?: string },
    private readonly durationSeconds: number) {}

  /** The Lease as last written, if any. */

  /**
   * Writes renewTime = `nowMs` (create or update). Rejects with the API
   * error when the write fails; after a Conflict or NotFound the next
   * renewal reads the Lease afresh.
   */
  async renew(nowMs: number): Promise<Lease> {
    const leases = RESOURCES.leases;
    const name = this.node.name;
    if (!this.lease) {
      try {
        this.lease = await this.client.get<Lease>(leases, name, { namespace: NODE_LEASE_NAMESPACE });
      } catch (e) {
        if (codeOf(e) !== 404) throw e;
        this.lease = await this.client.create(leases, nodeLease(this.node, microTime(nowMs), { durationSeconds: this.durationSeconds }));
        return this.lease;
      }
    }
    const { managedFields: _omit, ...metadata } = this.lease.metadata ?? {};
    const owners = metadata.ownerReferences ?? [];
    if (this.node.uid && !owners.some((o) => o.kind === 'Node' && o.uid === this.node.uid)) {
      metadata.ownerReferences = [...owners.filter((o) => o.kind !== 'Node'), nodeOwnerReference(name, this.node.uid)];
    }
    const next: Lease = {
      ...this.lease, metadata,
      spec: { ...this.lease.spec, holderIdentity: name, leaseDurationSeconds: this.durationSeconds, renewTime: microTime(nowMs) },
    };
    try {
      this.lease = await this.client.update(leases, next);
      return this.lease;
    } catch (e) {
      const code = codeOf(e);
      if (code === 409 || code === 404) this.lease = undefined;
      throw e;
    }
  }
}
