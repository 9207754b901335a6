/**
 * events.k8s.io/v1 <-> core/v1 Event conversion (upstream
 * pkg/apis/events/v1/conversion.go): events.k8s.io Events are stored as core
 * Events. Renamed fields: regarding<->involvedObject, note<->message,
 * reportingController<->reportingComponent, deprecatedSource<->source,
 * deprecatedFirstTimestamp/LastTimestamp/Count<->firstTimestamp/lastTimestamp/count;
 * the rest (eventTime, series, action, reason, related, reportingInstance, type)
 * keep their names.
 */
import type { Event as CoreEvent } from 'kubernetes-types/core/v1.js';
import type { Event as EventsV1 } from 'kubernetes-types/events/v1.js';
import { deepClone } from '../../../api/object.js';

/** Copies `from[a]` to `to[b]` when set. */
function move(from: Record<string, unknown>, a: string, to: Record<string, unknown>, b: string): void {
  if (from[a] !== undefined) to[b] = deepClone(from[a]);
}

const SAME = ['metadata', 'eventTime', 'series', 'action', 'reason', 'related', 'reportingInstance', 'type'];
const RENAMED: Array<[events: string, core: string]> = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

/** events.k8s.io/v1 (served) -> core/v1 (storage). */
export function eventsV1ToCore(ev: EventsV1): CoreEvent {
  const src = ev as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { apiVersion: 'v1', kind: 'Event' };
  for (const k of SAME) move(src, k, out, k);
  for (const [e, c] of RENAMED) move(src, e, out, c);
  out.involvedObject ??= {};
  if (out.eventTime === null) delete out.eventTime;
  return out as unknown as CoreEvent;
}

/** core/v1 (storage) -> events.k8s.io/v1 (served). */
export function coreToEventsV1(ev: CoreEvent): EventsV1 {
  const src = ev as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { apiVersion: 'events.k8s.io/v1', kind: 'Event' };
  for (const k of SAME) move(src, k, out, k);
  for (const [e, c] of RENAMED) move(src, c, out, e);
  // Upstream's eventTime is a non-pointer MicroTime: a zero value is written as null.
  if (out.eventTime === undefined) out.eventTime = null;
  return out as unknown as EventsV1;
}
