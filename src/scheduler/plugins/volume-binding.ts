/**
 * VolumeBinding (kept modest): a pod's PersistentVolumeClaims must be usable
 * on the node. A bound claim's PV must allow the node (spec.nodeAffinity);
 * an unbound WaitForFirstConsumer claim needs an available PV that fits and
 * allows the node, or a provisioner; an unbound Immediate claim makes the pod
 * unschedulable until the PV controller binds it. PreBind binds chosen PVs
 * (claimRef) or asks for provisioning (the selected-node annotation), then
 * waits for the PV controller to bind the claims.
 */
import type { PersistentVolume, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { amountOf, nodeMatchesSelector } from '../../api/pods/index.js';
import { RESOURCES } from '../../client/index.js';
import type { FilterPlugin, Handle, PreBindPlugin, PreFilterPlugin, ReservePlugin } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import { asError, SKIP, Status, unresolvable } from '../framework/status.js';

export const NAME = 'VolumeBinding';
export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

export interface VolumeBindingArgs { bindTimeoutSeconds?: number }

interface PreFilterState {
  bound: PersistentVolume[];
  /** Unbound WaitForFirstConsumer claims. */
  delayed: PersistentVolumeClaim[];
}

interface Decision { claim: PersistentVolumeClaim; pv?: PersistentVolume }

/** Claim names a pod uses: persistentVolumeClaim volumes and generic ephemeral volumes (`<pod>-<volume>`). */
export function podClaimNames(pod: Pod): string[] {
  const out: string[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim) out.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) out.push(`${pod.metadata?.name ?? ''}-${v.name}`);
  }
  return out;
}

function classOf(claim: PersistentVolumeClaim): string {
  return claim.spec?.storageClassName ?? claim.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '';
}

function pvAllows(pv: PersistentVolume, node: NodeInfo): boolean {
  const req = pv.spec?.nodeAffinity?.required;
  return !req || (node.node !== undefined && nodeMatchesSelector(node.node, req));
}

export function newVolumeBinding(args: VolumeBindingArgs, handle: Handle): PreFilterPlugin & FilterPlugin & ReservePlugin & PreBindPlugin {
  const timeoutMs = (args.bindTimeoutSeconds ?? 600) * 1000;
  const L = handle.listers;
  const stateKey = 'PreFilter' + NAME;
  const decisionKey = 'Reserve' + NAME;
  /** PV names chosen for claims of pods in their binding cycle, so two pods do not pick one PV. */
  const assumed = new Set<string>();

  const findPV = (claim: PersistentVolumeClaim, node: NodeInfo, taken: Set<string>): PersistentVolume | undefined => {
    const want = amountOf('storage', claim.spec?.resources?.requests?.['storage']);
    const cls = classOf(claim);
    let best: PersistentVolume | undefined;
    let bestSize = Infinity;
    for (const o of L.persistentVolumes.list()) {
      const pv = o as PersistentVolume;
      const name = pv.metadata?.name ?? '';
      if (pv.spec?.claimRef || assumed.has(name) || taken.has(name) || pv.status?.phase !== 'Available') continue;
      if ((pv.spec?.storageClassName ?? '') !== cls) continue;
      if ((claim.spec?.volumeMode ?? 'Filesystem') !== (pv.spec?.volumeMode ?? 'Filesystem')) continue;
      if (!(claim.spec?.accessModes ?? []).every((m) => pv.spec?.accessModes?.includes(m))) continue;
      const size = amountOf('storage', pv.spec?.capacity?.['storage']);
      if (size < want || !pvAllows(pv, node)) continue;
      if (size < bestSize) { best = pv; bestSize = size; }
    }
    return best;
  };

  const decide = (s: PreFilterState, node: NodeInfo): { decisions: Decision[]; reasons: string[] } => {
    const reasons: string[] = [];
    for (const pv of s.bound) if (!pvAllows(pv, node)) { reasons.push(ERR_REASON_NODE_CONFLICT); break; }
    const decisions: Decision[] = [];
    const taken = new Set<string>();
    for (const claim of s.delayed) {
      const pv = findPV(claim, node, taken);
      if (pv) { taken.add(pv.metadata!.name!); decisions.push({ claim, pv }); continue; }
      const sc = L.storageClasses.get(classOf(claim)) as StorageClass | undefined;
      const topo = sc?.allowedTopologies;
      const allowed = !topo?.length || (node.node !== undefined && nodeMatchesSelector(node.node, {
        nodeSelectorTerms: topo.map((t) => ({ matchExpressions: (t.matchLabelExpressions ?? []).map((e) => ({ key: e.key, operator: 'In', values: e.values })) })),
      }));
      if (sc && sc.provisioner !== NO_PROVISIONER && allowed) { decisions.push({ claim }); continue; }
      if (!reasons.includes(ERR_REASON_BIND_CONFLICT)) reasons.push(ERR_REASON_BIND_CONFLICT);
    }
    return { decisions, reasons };
  };

  return {
    name: NAME,
    events: () => [
      { resource: 'PersistentVolumeClaim', action: 'Add' }, { resource: 'PersistentVolumeClaim', action: 'Update' },
      { resource: 'PersistentVolume', action: 'Add' }, { resource: 'PersistentVolume', action: 'Update' },
      { resource: 'StorageClass', action: 'Add' }, { resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'UpdateNodeLabel' },
    ],
    preFilter(state, pod) {
      const names = podClaimNames(pod.pod);
      if (names.length === 0) return SKIP;
      const ns = pod.pod.metadata?.namespace ?? 'default';
      const s: PreFilterState = { bound: [], delayed: [] };
      let immediate = false;
      for (const n of names) {
        const claim = L.persistentVolumeClaims.get(`${ns}/${n}`) as PersistentVolumeClaim | undefined;
        if (!claim) return unresolvable(`persistentvolumeclaim "${n}" not found`);
        if (claim.metadata?.deletionTimestamp) return unresolvable(`persistentvolumeclaim "${n}" is being deleted`);
        const volumeName = claim.spec?.volumeName;
        if (volumeName) {
          const pv = L.persistentVolumes.get(volumeName) as PersistentVolume | undefined;
          if (!pv) return unresolvable(`pvc(s) bound to non-existent pv(s)`);
          s.bound.push(pv);
          continue;
        }
        const sc = L.storageClasses.get(classOf(claim)) as StorageClass | undefined;
        if (sc?.volumeBindingMode === 'WaitForFirstConsumer') s.delayed.push(claim);
        else immediate = true;
      }
      if (immediate) return unresolvable(ERR_REASON_UNBOUND_IMMEDIATE);
      state.write(stateKey, s);
      return null;
    },
    filter(state, _pod, node) {
      const s = state.read<PreFilterState>(stateKey);
      if (!s) return null;
      const { reasons } = decide(s, node);
      return reasons.length ? unresolvable(...reasons) : null;
    },
    reserve(state, _pod, nodeName) {
      const s = state.read<PreFilterState>(stateKey);
      const node = handle.snapshot.get(nodeName);
      if (!s || !node || s.delayed.length === 0) return null;
      const { decisions, reasons } = decide(s, node);
      if (reasons.length) return unresolvable(...reasons);
      for (const d of decisions) if (d.pv) assumed.add(d.pv.metadata!.name!);
      state.write(decisionKey, decisions);
      return null;
    },
    unreserve(state) {
      for (const d of state.read<Decision[]>(decisionKey) ?? []) if (d.pv) assumed.delete(d.pv.metadata!.name!);
    },
    async preBind(state, _pod, nodeName, signal) {
      const decisions = state.read<Decision[]>(decisionKey);
      const client = handle.client;
      if (!decisions?.length || !client) return null;
      try {
        for (const d of decisions) {
          const ns = d.claim.metadata!.namespace!;
          const name = d.claim.metadata!.name!;
          if (d.pv) {
            await client.patch(RESOURCES.persistentvolumes, d.pv.metadata!.name!, {
              metadata: { resourceVersion: d.pv.metadata!.resourceVersion },
              spec: { claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: ns, name, uid: d.claim.metadata!.uid } },
            });
          } else {
            await client.patch(RESOURCES.persistentvolumeclaims, name, { metadata: { annotations: { [SELECTED_NODE_ANNOTATION]: nodeName } } }, { namespace: ns });
          }
        }
        // The PV controller binds the claims; wait for it (upstream's bindTimeoutSeconds).
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const pending = decisions.filter((d) => !(L.persistentVolumeClaims.get(`${d.claim.metadata!.namespace}/${d.claim.metadata!.name}`) as PersistentVolumeClaim | undefined)?.spec?.volumeName);
          if (pending.length === 0) return null;
          if (signal.aborted) return new Status('Error', ['binding cycle aborted']);
          if (Date.now() > deadline) return new Status('Error', ['binding volumes: context deadline exceeded']);
          await new Promise((r) => setTimeout(r, 200));
        }
      } catch (e) {
        return asError(e);
      } finally {
        for (const d of decisions) if (d.pv) assumed.delete(d.pv.metadata!.name!);
      }
    },
  } satisfies PreFilterPlugin & FilterPlugin & ReservePlugin & PreBindPlugin;
}
