/**
 * ReplicationControllers: printReplicationController in pkg/printers/internalversion/printers.go.
 */
import type { ReplicationController } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, CONTAINERS_DOC, IMAGES_DOC, NAME_COLUMN, col, wide } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { ReplicationControllerSpecDoc, ReplicationControllerStatusDoc } from '../descriptions.js';
import { as, formatLabels, layoutContainerCells } from '../format.js';

export const replicationControllerConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Desired', 'integer', ReplicationControllerSpecDoc.replicas),
    col('Current', 'integer', ReplicationControllerStatusDoc.replicas),
    col('Ready', 'integer', ReplicationControllerStatusDoc.readyReplicas),
    AGE_COLUMN,
    wide('Containers', 'string', CONTAINERS_DOC),
    wide('Images', 'string', IMAGES_DOC),
    wide('Selector', 'string', ReplicationControllerSpecDoc.selector),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const rc = as<ReplicationController>(obj);
    const [names, images] = layoutContainerCells(rc.spec?.template?.spec?.containers);
    return [
      rc.metadata?.name ?? '',
      rc.spec?.replicas ?? 1,
      rc.status?.replicas ?? 0,
      rc.status?.readyReplicas ?? 0,
      translateTimestampSince(rc.metadata?.creationTimestamp, now),
      names, images, formatLabels(rc.spec?.selector),
    ];
  },
};
