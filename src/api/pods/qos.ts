/**
 * A pod's quality-of-service class (upstream's
 * pkg/apis/core/v1/helper/qos/qos.go GetPodQOS), which the kubelet reports
 * in status.qosClass and uses for cgroups and OOM scores.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { amountOf } from './resources.js';

export type PodQOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** Only these resources decide the class. */
const QOS_RESOURCES = ['cpu', 'memory'] as const;

/** Positive amounts of cpu and memory in a ResourceList. */
function qosAmounts(list: Readonly<Record<string, unknown>> | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of QOS_RESOURCES) {
    const q = list?.[r];
    if (q === undefined) continue;
    const v = amountOf(r, q);
    if (v > 0) out.set(r, v);
  }
  return out;
}

/**
 * The QoS class over all containers, init containers included:
 * - BestEffort: no container requests or limits any cpu or memory;
 * - Guaranteed: every container has cpu and memory limits, and the pod's
 *   summed requests equal its summed limits for both;
 * - Burstable: anything else.
 * A limit without a request counts as a request of the limit (the API
 * server defaults it so). `status.qosClass`, once set, is kept: it is
 * immutable.
 */
export function podQOSClass(pod: Pod): PodQOSClass {
  const known = pod.status?.qosClass;
  if (known === 'Guaranteed' || known === 'Burstable' || known === 'BestEffort') return known;
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  const all: Container[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const c of all) {
    const lim = qosAmounts(c.resources?.limits);
    const req = qosAmounts({ ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) });
    for (const [k, v] of req) requests.set(k, (requests.get(k) ?? 0) + v);
    for (const [k, v] of lim) limits.set(k, (limits.get(k) ?? 0) + v);
    if (!lim.has('cpu') || !lim.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [k, v] of requests) if (limits.get(k) !== v) guaranteed = false;
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
