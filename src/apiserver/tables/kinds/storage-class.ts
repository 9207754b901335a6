/**
 * StorageClasses: printStorageClass in pkg/printers/internalversion/printers.go.
 */
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { StorageClassDoc } from '../descriptions.js';
import { as } from '../format.js';

/** storageutil.IsDefaultAnnotation: the GA or beta is-default-class annotation set to "true". */
function isDefault(sc: StorageClass): boolean {
  const a = sc.metadata?.annotations ?? {};
  return a['storageclass.kubernetes.io/is-default-class'] === 'true'
    || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

export const storageClassConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Provisioner', 'string', StorageClassDoc.provisioner),
    col('ReclaimPolicy', 'string', StorageClassDoc.reclaimPolicy),
    col('VolumeBindingMode', 'string', StorageClassDoc.volumeBindingMode),
    col('AllowVolumeExpansion', 'string', StorageClassDoc.allowVolumeExpansion),
    AGE_COLUMN,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const sc = as<StorageClass>(obj);
    return [
      (sc.metadata?.name ?? '') + (isDefault(sc) ? ' (default)' : ''),
      sc.provisioner ?? '',
      sc.reclaimPolicy ?? 'Delete',
      sc.volumeBindingMode ?? 'Immediate',
      sc.allowVolumeExpansion ?? false,
      translateTimestampSince(sc.metadata?.creationTimestamp, now),
    ];
  },
};
