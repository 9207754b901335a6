/**
 * Names shared by the local-path provisioner (controller manager) and the
 * node agents that remove its directories: k3s's local-path-provisioner
 * (github.com/rancher/local-path-provisioner) and k8ts's own additions.
 */
import type { PersistentVolume } from 'kubernetes-types/core/v1.js';

/** The provisioner name, as k3s's local-path StorageClass spells it. */
export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
/** The StorageClass k3s ships (and marks default). */
export const LOCAL_PATH_STORAGE_CLASS = 'local-path';
/** On a PV: who provisioned it (upstream's pv.kubernetes.io/provisioned-by, set by external provisioners). */
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
/** On a claim: the provisioner expected to provision it (set by upstream's PV controller; GA and beta spellings). */
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
/**
 * On a provisioned PV: held until the directory is gone from the node (the
 * node's agent removes it; for a simulated or vanished node, the provisioner).
 */
export const LOCAL_PATH_CLEANUP_FINALIZER = 'k8ts.io/local-path-cleanup';
/** On a Node: the directory its agent keeps local-path volumes in. */
export const ANN_LOCAL_PATH_STORAGE_DIR = 'k8ts.io/local-path-storage-dir';
/** The storage dir of a node that does not say (k3s: <data-dir>/storage with the default data dir). */
export const DEFAULT_LOCAL_PATH_STORAGE_DIR = '/var/lib/k8ts/storage';
/** The node label a local-path volume's nodeAffinity selects on. */
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** The hostnames a PV's required nodeAffinity allows through `kubernetes.io/hostname In [...]`. */
export function volumeHostnames(pv: PersistentVolume): string[] {
  const out: string[] = [];
  for (const term of pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? []) {
    for (const e of term.matchExpressions ?? []) {
      if (e.key === HOSTNAME_LABEL && e.operator === 'In') out.push(...(e.values ?? []));
    }
  }
  return out;
}

/** Whether the PV is a local-path volume whose directory still has to be removed. */
export function awaitsLocalPathCleanup(pv: PersistentVolume): boolean {
  return !!pv.metadata?.deletionTimestamp
    && (pv.metadata.finalizers ?? []).includes(LOCAL_PATH_CLEANUP_FINALIZER)
    && pv.metadata.annotations?.[ANN_PROVISIONED_BY] === LOCAL_PATH_PROVISIONER;
}
