/**
 * PriorityClasses: printPriorityClass in pkg/printers/internalversion/printers.go.
 */
import type { PriorityClass } from 'kubernetes-types/scheduling/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { PriorityClassDoc } from '../descriptions.js';
import { as } from '../format.js';

export const priorityClassConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Value', 'integer', PriorityClassDoc.value),
    col('Global-Default', 'boolean', PriorityClassDoc.globalDefault),
    AGE_COLUMN,
    // Priority 0 upstream, though its cell is only filled for wide output (always, on the server).
    col('PreemptionPolicy', 'string', PriorityClassDoc.preemptionPolicy),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const pc = as<PriorityClass>(obj);
    return [
      pc.metadata?.name ?? '',
      pc.value ?? 0,
      pc.globalDefault ?? false,
      translateTimestampSince(pc.metadata?.creationTimestamp, now),
      pc.preemptionPolicy ?? '',
    ];
  },
};
