/**
 * Namespaces: printNamespace in pkg/printers/internalversion/printers.go.
 */
import type { Namespace } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { as } from '../format.js';

export const namespaceConvertor: TableConvertor = {
  columns: () => [NAME_COLUMN, col('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
  cells(obj: KubeObject, now: Date): unknown[] {
    const ns = as<Namespace>(obj);
    return [ns.metadata?.name ?? '', ns.status?.phase ?? '', translateTimestampSince(ns.metadata?.creationTimestamp, now)];
  },
};
