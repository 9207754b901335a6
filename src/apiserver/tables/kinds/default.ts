/**
 * The table for kinds without a printer: rest.NewDefaultTableConvertor in
 * k8s.io/apiserver/pkg/registry/rest/table.go (Name, Created At).
 */
import type { KubeObject } from '../../../api/object.js';
import { NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { ObjectMetaDoc } from '../descriptions.js';

/** Go's zero time in RFC 3339, printed when creationTimestamp is unset. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** creationTimestamp.UTC().Format(time.RFC3339): whole seconds, "Z". */
function rfc3339(ts: string | undefined): string {
  if (!ts) return ZERO_TIME;
  const t = Date.parse(ts);
  if (Number.isNaN(t)) return ts;
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export const defaultConvertor: TableConvertor = {
  columns: () => [NAME_COLUMN, col('Created At', 'date', ObjectMetaDoc.creationTimestamp)],
  cells: (obj: KubeObject): unknown[] => [obj.metadata?.name ?? '', rfc3339(obj.metadata?.creationTimestamp)],
};
