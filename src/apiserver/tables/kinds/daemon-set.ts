/**
 * DaemonSets: printDaemonSet in pkg/printers/internalversion/printers.go.
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, CONTAINERS_DOC, IMAGES_DOC, NAME_COLUMN, col, wide } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { DaemonSetSpecDoc, DaemonSetStatusDoc, PodSpecDoc } from '../descriptions.js';
import { as, formatLabelSelector, formatLabels, layoutContainerCells } from '../format.js';

export const daemonSetConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Desired', 'integer', DaemonSetStatusDoc.desiredNumberScheduled),
    col('Current', 'integer', DaemonSetStatusDoc.currentNumberScheduled),
    col('Ready', 'integer', DaemonSetStatusDoc.numberReady),
    col('Up-to-date', 'integer', DaemonSetStatusDoc.updatedNumberScheduled),
    col('Available', 'integer', DaemonSetStatusDoc.numberAvailable),
    col('Node Selector', 'string', PodSpecDoc.nodeSelector),
    AGE_COLUMN,
    wide('Containers', 'string', CONTAINERS_DOC),
    wide('Images', 'string', IMAGES_DOC),
    wide('Selector', 'string', DaemonSetSpecDoc.selector),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const ds = as<DaemonSet>(obj);
    const st = ds.status;
    const [names, images] = layoutContainerCells(ds.spec?.template?.spec?.containers);
    return [
      ds.metadata?.name ?? '',
      st?.desiredNumberScheduled ?? 0,
      st?.currentNumberScheduled ?? 0,
      st?.numberReady ?? 0,
      st?.updatedNumberScheduled ?? 0,
      st?.numberAvailable ?? 0,
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      translateTimestampSince(ds.metadata?.creationTimestamp, now),
      names, images, formatLabelSelector(ds.spec?.selector),
    ];
  },
};
