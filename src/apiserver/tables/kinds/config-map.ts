/**
 * ConfigMaps: printConfigMap in pkg/printers/internalversion/printers.go.
 */
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { ConfigMapDoc } from '../descriptions.js';
import { as } from '../format.js';

export const configMapConvertor: TableConvertor = {
  columns: () => [NAME_COLUMN, col('Data', 'string', ConfigMapDoc.data), AGE_COLUMN],
  cells(obj: KubeObject, now: Date): unknown[] {
    const cm = as<ConfigMap>(obj);
    // Data counts both data and binaryData keys.
    const count = Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length;
    return [cm.metadata?.name ?? '', count, translateTimestampSince(cm.metadata?.creationTimestamp, now)];
  },
};
