/**
 * ResourceQuotas: printResourceQuota in pkg/printers/internalversion/printers.go.
 */
import type { ResourceQuota } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { as, quantity } from '../format.js';

export const resourceQuotaConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    col('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    AGE_COLUMN,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const rq = as<ResourceQuota>(obj);
    const hard = rq.status?.hard ?? {};
    const used = rq.status?.used ?? {};
    const request: string[] = [];
    const limit: string[] = [];
    // "name: used/hard" per status.hard resource, sorted; "limits.*" go to Limit.
    for (const name of Object.keys(hard).sort()) {
      const pieces = name.split('.');
      const target = pieces.length > 1 && pieces[0] === 'limits' ? limit : request;
      target.push(`${name}: ${quantity(used[name])}/${quantity(hard[name])}`);
    }
    return [rq.metadata?.name ?? '', request.join(', '), limit.join(', '), translateTimestampSince(rq.metadata?.creationTimestamp, now)];
  },
};
