/**
 * CronJobs: printCronJob in pkg/printers/internalversion/printers.go.
 */
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, CONTAINERS_DOC, IMAGES_DOC, NAME_COLUMN, col, wide } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { CronJobSpecDoc, CronJobStatusDoc, JobSpecDoc } from '../descriptions.js';
import { as, formatLabelSelector, layoutContainerCells, printBoolPtr } from '../format.js';

export const cronJobConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Schedule', 'string', CronJobSpecDoc.schedule),
    col('Timezone', 'string', CronJobSpecDoc.timeZone),
    col('Suspend', 'boolean', CronJobSpecDoc.suspend),
    col('Active', 'integer', CronJobStatusDoc.active),
    col('Last Schedule', 'string', CronJobStatusDoc.lastScheduleTime),
    AGE_COLUMN,
    wide('Containers', 'string', CONTAINERS_DOC),
    wide('Images', 'string', IMAGES_DOC),
    wide('Selector', 'string', JobSpecDoc.selector),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const cj = as<CronJob>(obj);
    const jobSpec = cj.spec?.jobTemplate?.spec;
    const [names, images] = layoutContainerCells(jobSpec?.template?.spec?.containers);
    const last = cj.status?.lastScheduleTime;
    return [
      cj.metadata?.name ?? '',
      cj.spec?.schedule ?? '',
      cj.spec?.timeZone ?? '<none>',
      // The Suspend column is typed boolean, yet upstream's cell is the string "True"/"False"/"<unset>".
      printBoolPtr(cj.spec?.suspend),
      (cj.status?.active ?? []).length,
      last ? translateTimestampSince(last, now) : '<none>',
      translateTimestampSince(cj.metadata?.creationTimestamp, now),
      names, images, formatLabelSelector(jobSpec?.selector),
    ];
  },
};
