/**
 * ReplicaSets: printReplicaSet in pkg/printers/internalversion/printers.go.
 */
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, CONTAINERS_DOC, IMAGES_DOC, NAME_COLUMN, col, wide } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { ReplicaSetSpecDoc, ReplicaSetStatusDoc } from '../descriptions.js';
import { as, formatLabelSelector, layoutContainerCells } from '../format.js';

export const replicaSetConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Desired', 'integer', ReplicaSetSpecDoc.replicas),
    col('Current', 'integer', ReplicaSetStatusDoc.replicas),
    col('Ready', 'integer', ReplicaSetStatusDoc.readyReplicas),
    AGE_COLUMN,
    wide('Containers', 'string', CONTAINERS_DOC),
    wide('Images', 'string', IMAGES_DOC),
    wide('Selector', 'string', ReplicaSetSpecDoc.selector),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const rs = as<ReplicaSet>(obj);
    const [names, images] = layoutContainerCells(rs.spec?.template?.spec?.containers);
    return [
      rs.metadata?.name ?? '',
      rs.spec?.replicas ?? 1,
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      translateTimestampSince(rs.metadata?.creationTimestamp, now),
      names, images, formatLabelSelector(rs.spec?.selector),
    ];
  },
};
