/**
 * `kubectl get` output: objects as a meta.k8s.io/v1 Table with the kind's
 * columns (printers in ../tables).
 */
import type { WithMeta } from '../../api/object.js';
import type { ServedResource } from '../api-resources.js';
import { buildTable, tableConvertorFor } from '../tables/index.js';

export function renderTable(served: ServedResource, objs: WithMeta[], listMeta: Record<string, unknown>, includeObject?: string): unknown {
  const conv = served.table ?? tableConvertorFor(served.def.group, served.def.plural);
  const inc = includeObject === 'None' || includeObject === 'Object' ? includeObject : 'Metadata';
  return buildTable(objs, conv, { includeObject: inc, now: new Date(), listMeta: listMeta as { resourceVersion?: string; continue?: string; remainingItemCount?: number } });
}
