/**
 * VolumeZone: a pod whose bound PVs carry zone or region labels fits only on
 * nodes in one of those zones/regions (values may list several, joined by `__`).
 */
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { FilterPlugin, Handle, PreFilterPlugin } from '../framework/interface.js';
import { SKIP, unresolvable } from '../framework/status.js';
import { podClaimNames } from './volume-binding.js';

export const NAME = 'VolumeZone';
export const ERR_REASON_CONFLICT = 'node(s) had no available volume zone';
const TOPOLOGY_LABELS = [
  'topology.kubernetes.io/zone', 'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/region',
];

export function newVolumeZone(_args: unknown, handle: Handle): PreFilterPlugin & FilterPlugin {
  const key = 'PreFilter' + NAME;
  return {
    name: NAME,
    events: () => [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'UpdateNodeLabel' },
      { resource: 'PersistentVolumeClaim', action: 'Add' }, { resource: 'PersistentVolume', action: 'Add' }],
    preFilter(state, pod) {
      const names = podClaimNames(pod.pod);
      if (names.length === 0) return SKIP;
      const ns = pod.pod.metadata?.namespace ?? 'default';
      const wants: [string, Set<string>][] = [];
      for (const n of names) {
        const claim = handle.listers.persistentVolumeClaims.get(`${ns}/${n}`) as PersistentVolumeClaim | undefined;
        const pvName = claim?.spec?.volumeName;
        if (!pvName) continue;
        const pv = handle.listers.persistentVolumes.get(pvName) as PersistentVolume | undefined;
        for (const l of TOPOLOGY_LABELS) {
          const v = pv?.metadata?.labels?.[l];
          if (v) wants.push([l, new Set(v.split('__'))]);
        }
      }
      if (wants.length === 0) return SKIP;
      state.write(key, wants);
      return null;
    },
    filter(state, _pod, node) {
      const wants = state.read<[string, Set<string>][]>(key) ?? [];
      for (const [label, values] of wants) {
        const v = node.labels[label];
        if (v === undefined || !values.has(v)) return unresolvable(ERR_REASON_CONFLICT);
      }
      return null;
    },
  } satisfies PreFilterPlugin & FilterPlugin;
}
