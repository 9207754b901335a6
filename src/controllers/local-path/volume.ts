/**
 * The PersistentVolume the local-path provisioner makes for a claim, as
 * rancher/local-path-provisioner's Provision does: a hostPath directory
 * `<storage dir>/pvc-<claim uid>_<namespace>_<name>` on the selected node,
 * pinned there by a required nodeAffinity on kubernetes.io/hostname. Pure.
 */
import { posix } from 'node:path';
import type { Node, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import {
  ANN_LOCAL_PATH_STORAGE_DIR, ANN_PROVISIONED_BY, DEFAULT_LOCAL_PATH_STORAGE_DIR, HOSTNAME_LABEL,
  LOCAL_PATH_CLEANUP_FINALIZER, LOCAL_PATH_PROVISIONER,
} from '../../api/volume-binding/index.js';

/** The PV name upstream's external provisioners give a claim's volume: `pvc-<claim uid>`. */
export function volumeNameFor(claim: PersistentVolumeClaim): string {
  return `pvc-${claim.metadata?.uid ?? ''}`;
}

/** The node's storage dir: its k8ts.io/local-path-storage-dir annotation when absolute, else the default. */
export function nodeStorageDir(node: Node): string {
  const dir = node.metadata?.annotations?.[ANN_LOCAL_PATH_STORAGE_DIR];
  return dir && posix.isAbsolute(dir) ? posix.normalize(dir) : DEFAULT_LOCAL_PATH_STORAGE_DIR;
}

/**
 * Why the claim cannot get a local-path volume, undefined when it can.
 * local-path-provisioner serves only ReadWriteOnce and ReadWriteOncePod
 * (a directory on one node) and only Filesystem volumes.
 */
export function unprovisionableReason(claim: PersistentVolumeClaim): string | undefined {
  for (const m of claim.spec?.accessModes ?? []) {
    if (m !== 'ReadWriteOnce' && m !== 'ReadWriteOncePod') return 'NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes';
  }
  if (claim.spec?.volumeMode === 'Block') return 'local-path supports only volumeMode Filesystem';
  if (!claim.spec?.resources?.requests?.['storage']) return 'the claim requests no storage';
  return undefined;
}

export function localPathVolume(claim: PersistentVolumeClaim, sc: StorageClass, node: Node): PersistentVolume {
  const name = volumeNameFor(claim);
  const ns = claim.metadata?.namespace ?? '';
  const path = posix.join(nodeStorageDir(node), `${name}_${ns}_${claim.metadata?.name ?? ''}`);
  const hostname = node.metadata?.labels?.[HOSTNAME_LABEL] ?? node.metadata?.name ?? '';
  return {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: {
      name,
      annotations: { [ANN_PROVISIONED_BY]: LOCAL_PATH_PROVISIONER },
      finalizers: [LOCAL_PATH_CLEANUP_FINALIZER],
    },
    spec: {
      capacity: { storage: String(claim.spec!.resources!.requests!['storage']) },
      accessModes: [...(claim.spec?.accessModes ?? ['ReadWriteOnce'])],
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: sc.metadata?.name ?? '',
      volumeMode: 'Filesystem',
      ...(sc.mountOptions?.length ? { mountOptions: [...sc.mountOptions] } : {}),
      hostPath: { path, type: 'DirectoryOrCreate' },
      nodeAffinity: {
        required: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: [hostname] }] }] },
      },
      claimRef: {
        kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: ns, name: claim.metadata?.name ?? '',
        uid: claim.metadata?.uid ?? '', resourceVersion: claim.metadata?.resourceVersion ?? '',
      },
    },
  };
}
