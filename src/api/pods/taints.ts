/**
 * Taints and tolerations (upstream's v1helper.TolerationsTolerateTaint and
 * Toleration.ToleratesTaint).
 */
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';

/**
 * Whether `t` tolerates `taint`: effects match (an empty effect matches all),
 * keys match (an empty key with Exists matches every key), and the operator
 * (Equal by default) holds on the value.
 */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists': return true;
    case 'Equal': return (t.value ?? '') === (taint.value ?? '');
    default: return false;
  }
}

export function tolerationsTolerateTaint(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/**
 * The first taint that passes `filter` and no toleration tolerates, or
 * undefined (upstream's FindMatchingUntoleratedTaint).
 */
export function findUntoleratedTaint(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined,
  filter: (t: Taint) => boolean = () => true): Taint | undefined {
  return (taints ?? []).find((taint) => filter(taint) && !tolerationsTolerateTaint(tolerations, taint));
}

/** `{key: value}` or `{key}` with the effect, as upstream's scheduler messages print a taint. */
export function formatTaint(t: Taint): string {
  return t.value ? `{${t.key}: ${t.value}}` : `{${t.key}: }`;
}
