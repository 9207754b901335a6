/**
 * Jobs: printJob in pkg/printers/internalversion/printers.go (the Status /
 * Completions / Duration layout of 1.28 and later).
 */
import type { Job, JobCondition } from 'kubernetes-types/batch/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { humanDuration, parseTimestamp, translateTimestampSince } from '../age.js';
import { AGE_COLUMN, CONTAINERS_DOC, IMAGES_DOC, NAME_COLUMN, col, wide } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { JobSpecDoc, JobStatusDoc } from '../descriptions.js';
import { as, formatLabelSelector, layoutContainerCells } from '../format.js';

/** hasJobCondition: the first condition of the type decides. */
function hasJobCondition(conds: JobCondition[] | undefined, type: string): boolean {
  const c = (conds ?? []).find((x) => x.type === type);
  return c !== undefined && c.status === 'True';
}

/** Complete, Failed, Terminating, Suspended, FailureTarget or Running, in that precedence. */
export function jobStatus(job: Job): string {
  const conds = job.status?.conditions;
  if (hasJobCondition(conds, 'Complete')) return 'Complete';
  if (hasJobCondition(conds, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasJobCondition(conds, 'Suspended')) return 'Suspended';
  if (hasJobCondition(conds, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function completions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  const want = job.spec?.completions;
  if (want !== undefined && want !== null) return `${succeeded}/${want}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: Job, now: Date): string {
  const start = parseTimestamp(job.status?.startTime);
  if (start === undefined) return '';
  const end = parseTimestamp(job.status?.completionTime);
  return humanDuration((end ?? now.getTime()) - start);
}

export const jobConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Status', 'string', 'Status of the job.'),
    col('Completions', 'string', JobStatusDoc.succeeded),
    col('Duration', 'string', 'Time required to complete the job.'),
    AGE_COLUMN,
    wide('Containers', 'string', CONTAINERS_DOC),
    wide('Images', 'string', IMAGES_DOC),
    wide('Selector', 'string', JobSpecDoc.selector),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const job = as<Job>(obj);
    const [names, images] = layoutContainerCells(job.spec?.template?.spec?.containers);
    return [
      job.metadata?.name ?? '',
      jobStatus(job),
      completions(job),
      jobDuration(job, now),
      translateTimestampSince(job.metadata?.creationTimestamp, now),
      names, images, formatLabelSelector(job.spec?.selector),
    ];
  },
};
