/**
 * A StatefulSet's writes to pods and claims (upstream's
 * StatefulPodControl), with upstream's Event messages: claims are created
 * before their pod, claims' owner references follow the retention policy,
 * and identity labels are repaired in place.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { ObjectStoreReader } from '../../client/object-store.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import { claimsFor, ordinalOf, POD_INDEX_LABEL, STATEFULSET_POD_NAME_LABEL } from './identity.js';
import { ownerRefsEqual, retentionOwnerRefs } from './claim-retention.js';

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const code = (e: unknown): number | undefined => (e as { code?: number }).code;

export class StatefulPodControl {
  constructor(private readonly client: RestClient, private readonly recorder: EventRecorder,
    private readonly claims: ObjectStoreReader<PersistentVolumeClaim>) {}

  private event(set: StatefulSet, verb: string, pod: Pod, err?: unknown): void {
    const name = pod.metadata!.name!;
    if (err === undefined) {
      const reason = `Successful${verb[0]!.toUpperCase()}${verb.slice(1)}`;
      this.recorder.event(set, 'Normal', reason, `${verb} Pod ${name} in StatefulSet ${set.metadata!.name} successful`);
    } else {
      const reason = `Failed${verb[0]!.toUpperCase()}${verb.slice(1)}`;
      this.recorder.event(set, 'Warning', reason, `${verb} Pod ${name} in StatefulSet ${set.metadata!.name} failed error: ${message(err)}`);
    }
  }

  /** Creates the claims the pod lacks (with the retention owner references), then the pod. */
  async createPod(set: StatefulSet, pod: Pod, inRange: boolean): Promise<void> {
    await this.createMissingClaims(set, pod, inRange);
    try {
      await this.client.create(RESOURCES.pods, pod, { namespace: pod.metadata!.namespace! });
    } catch (e) {
      if (code(e) === 409) return;
      this.event(set, 'create', pod, e);
      throw e;
    }
    this.event(set, 'create', pod);
  }

  private async createMissingClaims(set: StatefulSet, pod: Pod, inRange: boolean): Promise<void> {
    const ns = set.metadata!.namespace!;
    for (const claim of claimsFor(set, ordinalOf(set, pod)).values()) {
      const name = claim.metadata!.name!;
      if (this.claims.get(`${ns}/${name}`)) continue;
      const refs = retentionOwnerRefs(claim, set, undefined, inRange);
      if (refs.length > 0) claim.metadata!.ownerReferences = refs;
      try {
        await this.client.create(RESOURCES.persistentvolumeclaims, claim, { namespace: ns });
        this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${name} Pod ${pod.metadata!.name} in StatefulSet ${set.metadata!.name} success`);
      } catch (e) {
        if (code(e) === 409) continue;
        this.recorder.event(set, 'Warning', 'FailedCreate',
          `create Claim ${name} for Pod ${pod.metadata!.name} in StatefulSet ${set.metadata!.name} failed error: ${message(e)}`);
        throw e;
      }
    }
  }

  async deletePod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.client.delete(RESOURCES.pods, pod.metadata!.name!, { namespace: pod.metadata!.namespace!, preconditions: { uid: pod.metadata!.uid! } });
    } catch (e) {
      if (code(e) === 404) return;
      this.event(set, 'delete', pod, e);
      throw e;
    }
    this.event(set, 'delete', pod);
  }

  /** Repairs the pod's identity labels and creates claims it lacks. */
  async updatePod(set: StatefulSet, pod: Pod, inRange: boolean): Promise<void> {
    await this.createMissingClaims(set, pod, inRange);
    const ord = ordinalOf(set, pod);
    try {
      await this.client.patch(RESOURCES.pods, pod.metadata!.name!, {
        metadata: { uid: pod.metadata!.uid, labels: { [STATEFULSET_POD_NAME_LABEL]: pod.metadata!.name, [POD_INDEX_LABEL]: String(ord) } },
      }, { namespace: pod.metadata!.namespace!, type: 'merge' });
    } catch (e) {
      if (code(e) === 404) return;
      this.event(set, 'update', pod, e);
      throw e;
    }
    this.event(set, 'update', pod);
  }

  /** Whether the pod's claims carry the owner references the retention policy asks for. */
  claimsMatchRetentionPolicy(set: StatefulSet, pod: Pod, inRange: boolean): boolean {
    const ns = set.metadata!.namespace!;
    for (const c of claimsFor(set, ordinalOf(set, pod)).values()) {
      const have = this.claims.get(`${ns}/${c.metadata!.name}`);
      if (!have) continue;
      if (!ownerRefsEqual(have.metadata?.ownerReferences, retentionOwnerRefs(have, set, pod, inRange))) return false;
    }
    return true;
  }

  /** Sets the owner references of the pod's existing claims as the retention policy asks. */
  async updateClaimsForRetentionPolicy(set: StatefulSet, pod: Pod, inRange: boolean): Promise<void> {
    const ns = set.metadata!.namespace!;
    for (const c of claimsFor(set, ordinalOf(set, pod)).values()) {
      const have = this.claims.get(`${ns}/${c.metadata!.name}`);
      if (!have) continue;
      const refs = retentionOwnerRefs(have, set, pod, inRange);
      if (ownerRefsEqual(have.metadata?.ownerReferences, refs)) continue;
      try {
        await this.client.patch(RESOURCES.persistentvolumeclaims, have.metadata!.name!, {
          metadata: { uid: have.metadata!.uid, resourceVersion: have.metadata!.resourceVersion, ownerReferences: refs.length ? refs : null },
        }, { namespace: ns, type: 'merge' });
      } catch (e) {
        if (code(e) !== 404) throw e;
      }
    }
  }
}
