/**
 * PersistentVolumes: printPersistentVolume in pkg/printers/internalversion/printers.go.
 */
import type { PersistentVolume } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col, wide } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { PersistentVolumeSpecDoc, PersistentVolumeStatusDoc } from '../descriptions.js';
import { accessModesString, as, quantity } from '../format.js';

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** helper.GetPersistentVolumeClass: the beta annotation wins over spec.storageClassName. */
function pvClass(pv: PersistentVolume): string {
  const ann = pv.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION];
  return ann !== undefined ? ann : (pv.spec?.storageClassName ?? '');
}

export const persistentVolumeConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Capacity', 'string', PersistentVolumeSpecDoc.capacity),
    col('Access Modes', 'string', PersistentVolumeSpecDoc.accessModes),
    col('Reclaim Policy', 'string', PersistentVolumeSpecDoc.persistentVolumeReclaimPolicy),
    col('Status', 'string', PersistentVolumeStatusDoc.phase),
    col('Claim', 'string', PersistentVolumeSpecDoc.claimRef),
    col('StorageClass', 'string', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    col('Reason', 'string', PersistentVolumeStatusDoc.reason),
    AGE_COLUMN,
    wide('VolumeMode', 'string', PersistentVolumeSpecDoc.volumeMode),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const pv = as<PersistentVolume>(obj);
    const spec = pv.spec ?? {};
    const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
    const phase = pv.metadata?.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? '');
    return [
      pv.metadata?.name ?? '',
      quantity(spec.capacity?.['storage']),
      accessModesString(spec.accessModes),
      spec.persistentVolumeReclaimPolicy ?? '',
      phase,
      claim,
      pvClass(pv),
      spec.volumeAttributesClassName ?? '<unset>',
      pv.status?.reason ?? '',
      translateTimestampSince(pv.metadata?.creationTimestamp, now),
      spec.volumeMode ?? '<unset>',
    ];
  },
};
