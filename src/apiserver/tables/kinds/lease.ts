/**
 * Leases: printLease in pkg/printers/internalversion/printers.go.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { LeaseSpecDoc } from '../descriptions.js';
import { as } from '../format.js';

export const leaseConvertor: TableConvertor = {
  columns: () => [NAME_COLUMN, col('Holder', 'string', LeaseSpecDoc.holderIdentity), AGE_COLUMN],
  cells(obj: KubeObject, now: Date): unknown[] {
    const l = as<Lease>(obj);
    return [l.metadata?.name ?? '', l.spec?.holderIdentity ?? '', translateTimestampSince(l.metadata?.creationTimestamp, now)];
  },
};
