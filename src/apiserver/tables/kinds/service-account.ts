/**
 * ServiceAccounts: printServiceAccount in pkg/printers/internalversion/printers.go.
 */
import type { ServiceAccount } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { ServiceAccountDoc } from '../descriptions.js';
import { as } from '../format.js';

export const serviceAccountConvertor: TableConvertor = {
  columns: () => [NAME_COLUMN, col('Secrets', 'string', ServiceAccountDoc.secrets), AGE_COLUMN],
  cells(obj: KubeObject, now: Date): unknown[] {
    const sa = as<ServiceAccount>(obj);
    return [sa.metadata?.name ?? '', (sa.secrets ?? []).length, translateTimestampSince(sa.metadata?.creationTimestamp, now)];
  },
};
