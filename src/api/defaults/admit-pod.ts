/**
 * What upstream's admission plugins add to a pod on create (not defaulting:
 * they run once, on create only): ServiceAccount (`serviceAccountName:
 * default`, not on mirror pods), Priority (`priority`, `preemptionPolicy`) and
 * DefaultTolerationSeconds (NoExecute tolerations for not-ready and
 * unreachable nodes, 300 s unless the server's flags say otherwise). Idempotent, so calling it twice is harmless.
 * Not done here: the projected service-account token volume, which needs the
 * token controller.
 */
import type { Pod, Toleration } from 'kubernetes-types/core/v1.js';
import { isMirrorPod } from '../pods/mirror.js';

export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
export const DEFAULT_TOLERATION_SECONDS = 300;

/** The built-in priority classes upstream creates at start-up. */
export const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

function toleratesNoExecute(tolerations: Toleration[], key: string): boolean {
  return tolerations.some((t) => (t.key === key || !t.key)
    && (!t.effect || t.effect === 'NoExecute'));
}

/** kube-apiserver's --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds. */
export interface AdmitPodOptions {
  /** @default 300 */
  notReadyTolerationSeconds?: number;
  /** @default 300 */
  unreachableTolerationSeconds?: number;
}

export function admitPod(pod: Pod, opts: AdmitPodOptions = {}): void {
  pod.spec ??= { containers: [] };
  const spec = pod.spec;
  // Upstream's ServiceAccount admission leaves mirror pods alone: a static pod has no service account.
  if (!isMirrorPod(pod)) {
    if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || 'default';
    spec.serviceAccount ??= spec.serviceAccountName;
  }
  if (spec.priority === undefined) {
    spec.priority = spec.priorityClassName ? SYSTEM_PRIORITY_CLASSES[spec.priorityClassName] ?? 0 : 0;
  }
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const tolerations = spec.tolerations ?? [];
  const seconds: [string, number][] = [
    [NOT_READY_TAINT, opts.notReadyTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS],
    [UNREACHABLE_TAINT, opts.unreachableTolerationSeconds ?? DEFAULT_TOLERATION_SECONDS],
  ];
  for (const [key, tolerationSeconds] of seconds) {
    if (toleratesNoExecute(tolerations, key)) continue;
    tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds });
  }
  spec.tolerations = tolerations;
}
