/**
 * PersistentVolumeClaims: printPersistentVolumeClaim in pkg/printers/internalversion/printers.go.
 */
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col, wide } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { PersistentVolumeClaimSpecDoc, PersistentVolumeClaimStatusDoc } from '../descriptions.js';
import { accessModesString, as, quantity } from '../format.js';

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** helper.GetPersistentVolumeClaimClass: the beta annotation wins over spec.storageClassName. */
function pvcClass(pvc: PersistentVolumeClaim): string {
  const ann = pvc.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  return ann !== undefined ? ann : (pvc.spec?.storageClassName ?? '');
}

export const persistentVolumeClaimConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Status', 'string', PersistentVolumeClaimStatusDoc.phase),
    col('Volume', 'string', PersistentVolumeClaimSpecDoc.volumeName),
    col('Capacity', 'string', PersistentVolumeClaimStatusDoc.capacity),
    col('Access Modes', 'string', PersistentVolumeClaimStatusDoc.accessModes),
    col('StorageClass', 'string', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE_COLUMN,
    wide('VolumeMode', 'string', PersistentVolumeClaimSpecDoc.volumeMode),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const pvc = as<PersistentVolumeClaim>(obj);
    const spec = pvc.spec ?? {};
    const phase = pvc.metadata?.deletionTimestamp ? 'Terminating' : (pvc.status?.phase ?? '');
    // Capacity and access modes show only once the claim is bound to a volume.
    const bound = !!spec.volumeName;
    return [
      pvc.metadata?.name ?? '',
      phase,
      spec.volumeName ?? '',
      bound ? quantity(pvc.status?.capacity?.['storage']) : '',
      bound ? accessModesString(pvc.status?.accessModes) : '',
      pvcClass(pvc),
      spec.volumeAttributesClassName ?? '<unset>',
      translateTimestampSince(pvc.metadata?.creationTimestamp, now),
      spec.volumeMode ?? '<unset>',
    ];
  },
};
