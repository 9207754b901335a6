/**
 * The endpoints.kubernetes.io/last-change-trigger-time annotation (upstream's
 * TriggerTimeTracker): for each Service, the earliest time of a change not yet
 * reflected in its endpoints: a pod's Ready transition or the Service's
 * creation. Zero (undefined) when nothing changed since the last sync.
 */
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { podCondition } from '../../api/pods/index.js';

export const LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';

interface ServiceState { created: string; pods: Map<string, string> }

export class TriggerTimeTracker {
  private readonly state = new Map<string, ServiceState>();

  /**
   * The trigger time for `service` given the pods now selected, as an ISO
   * string; records them so the next call only counts later changes.
   */
  compute(serviceKey: string, service: Service, pods: readonly Pod[]): string | undefined {
    const prev = this.state.get(serviceKey);
    const created = service.metadata?.creationTimestamp ?? '';
    const next: ServiceState = { created, pods: new Map() };
    let min: number | undefined;
    const consider = (t: string | undefined): void => {
      const ms = t ? Date.parse(t) : NaN;
      if (Number.isFinite(ms) && (min === undefined || ms < min)) min = ms;
    };
    if (!prev || prev.created !== created) consider(created);
    for (const pod of pods) {
      const t = podTriggerTime(pod);
      const name = pod.metadata?.name ?? '';
      if (t === undefined) continue;
      next.pods.set(name, t);
      if (prev?.pods.get(name) !== t) consider(t);
    }
    this.state.set(serviceKey, next);
    return min === undefined ? undefined : new Date(min).toISOString();
  }

  /** Forgets a deleted Service. */
  delete(serviceKey: string): void {
    this.state.delete(serviceKey);
  }
}

/** The last time the pod's readiness changed (its Ready condition's transition), if known. */
export function podTriggerTime(pod: Pod): string | undefined {
  return podCondition(pod, 'Ready')?.lastTransitionTime;
}
