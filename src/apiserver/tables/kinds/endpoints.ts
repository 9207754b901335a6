/**
 * Endpoints: printEndpoints and formatEndpoints in pkg/printers/internalversion/printers.go.
 */
import type { Endpoints } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { EndpointsDoc } from '../descriptions.js';
import { as, joinHostPort } from '../format.js';

const MAX = 3;

/**
 * "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...": the first three ready
 * address:port pairs and how many more there are; bare IPs for subsets without
 * ports; "<none>" without subsets; "" when subsets hold no ready address.
 */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === MAX) { more = true; break; }
        list.push(a.ip);
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === MAX) { more = true; break; }
        list.push(joinHostPort(a.ip, port.port));
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - MAX} more...` : ret;
}

export const endpointsConvertor: TableConvertor = {
  columns: () => [NAME_COLUMN, col('Endpoints', 'string', EndpointsDoc.subsets), AGE_COLUMN],
  cells(obj: KubeObject, now: Date): unknown[] {
    const ep = as<Endpoints>(obj);
    return [ep.metadata?.name ?? '', formatEndpoints(ep), translateTimestampSince(ep.metadata?.creationTimestamp, now)];
  },
};
