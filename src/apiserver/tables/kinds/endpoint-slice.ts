/**
 * EndpointSlices: printEndpointSlice, formatDiscoveryPorts and
 * formatDiscoveryEndpoints in pkg/printers/internalversion/printers.go.
 */
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { EndpointSliceDoc } from '../descriptions.js';
import { as, listWithMore } from '../format.js';

const MAX = 3;

/** Collects up to three items; `more` once a fourth exists; `count` of all. */
function firstThree(items: string[]): string {
  return listWithMore(items.slice(0, MAX), items.length > MAX, items.length, MAX);
}

export const endpointSliceConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('AddressType', 'string', EndpointSliceDoc.addressType),
    col('Ports', 'string', EndpointSliceDoc.ports),
    col('Endpoints', 'string', EndpointSliceDoc.endpoints),
    AGE_COLUMN,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const es = as<EndpointSlice>(obj);
    // A port prints as its number, else its name, else "*".
    const ports = (es.ports ?? []).map((p) => (p.port !== undefined && p.port !== null ? String(p.port) : p.name ?? '*'));
    const addresses = (es.endpoints ?? []).flatMap((e) => e.addresses ?? []);
    return [
      es.metadata?.name ?? '',
      es.addressType ?? '',
      firstThree(ports),
      firstThree(addresses),
      translateTimestampSince(es.metadata?.creationTimestamp, now),
    ];
  },
};
