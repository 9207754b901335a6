/**
 * StatefulSets: printStatefulSet in pkg/printers/internalversion/printers.go.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, CONTAINERS_DOC, IMAGES_DOC, NAME_COLUMN, col, wide } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { as, layoutContainerCells } from '../format.js';

export const statefulSetConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Ready', 'string', 'Number of the pod with ready state'),
    AGE_COLUMN,
    wide('Containers', 'string', CONTAINERS_DOC),
    wide('Images', 'string', IMAGES_DOC),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const s = as<StatefulSet>(obj);
    const [names, images] = layoutContainerCells(s.spec?.template?.spec?.containers);
    return [
      s.metadata?.name ?? '',
      `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 1}`,
      translateTimestampSince(s.metadata?.creationTimestamp, now),
      names, images,
    ];
  },
};
