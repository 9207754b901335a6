/**
 * Events, core/v1 and events.k8s.io/v1: printEvent in
 * pkg/printers/internalversion/printers.go. Both versions print through the
 * internal (core) shape; events.k8s.io/v1 objects are mapped to it the way
 * upstream's conversion does (regarding -> involvedObject, note -> message,
 * deprecatedSource/FirstTimestamp/LastTimestamp/Count -> source/firstTimestamp/lastTimestamp/count).
 */
import type { Event as CoreEvent, EventSource, ObjectReference } from 'kubernetes-types/core/v1.js';
import type { Event as EventsV1Event } from 'kubernetes-types/events/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { parseTimestamp, translateTimestampSince } from '../age.js';
import { NAME_COLUMN, col, wide } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { EventDoc, ObjectReferenceDoc } from '../descriptions.js';
import { as } from '../format.js';

/** The fields printEvent reads, in the internal type's terms. */
interface PrintableEvent {
  name: string;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  count?: number;
  involvedObject: ObjectReference;
  type?: string;
  reason?: string;
  message?: string;
  source?: EventSource;
  reportingController?: string;
  reportingInstance?: string;
}

function fromCore(e: CoreEvent): PrintableEvent {
  return {
    name: e.metadata?.name ?? '',
    firstTimestamp: e.firstTimestamp, lastTimestamp: e.lastTimestamp, eventTime: e.eventTime,
    series: e.series, count: e.count, involvedObject: e.involvedObject ?? {},
    type: e.type, reason: e.reason, message: e.message, source: e.source,
    reportingController: e.reportingComponent, reportingInstance: e.reportingInstance,
  };
}

function fromEventsV1(e: EventsV1Event): PrintableEvent {
  return {
    name: e.metadata?.name ?? '',
    firstTimestamp: e.deprecatedFirstTimestamp, lastTimestamp: e.deprecatedLastTimestamp, eventTime: e.eventTime,
    series: e.series, count: e.deprecatedCount, involvedObject: e.regarding ?? {},
    type: e.type, reason: e.reason, message: e.note, source: e.deprecatedSource,
    reportingController: e.reportingController, reportingInstance: e.reportingInstance,
  };
}

/** formatEventSource: component (else reportingController), then ", host" (else reportingInstance) when non-empty. */
function formatEventSource(e: PrintableEvent): string {
  const component = e.source?.component || e.reportingController || '';
  const instance = e.source?.host || e.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

function eventCells(e: PrintableEvent, now: Date): unknown[] {
  let first = translateTimestampSince(e.firstTimestamp, now);
  if (parseTimestamp(e.firstTimestamp) === undefined) first = translateTimestampSince(e.eventTime, now);
  let last = translateTimestampSince(e.lastTimestamp, now);
  if (parseTimestamp(e.lastTimestamp) === undefined) last = first;
  let count = e.count ?? 0;
  if (e.series) {
    last = translateTimestampSince(e.series.lastObservedTime, now);
    count = e.series.count ?? 0;
  } else if (count === 0) {
    count = 1; // singleton events of the new API carry no count
  }
  const kind = (e.involvedObject.kind ?? '').toLowerCase();
  const target = e.involvedObject.name ? `${kind}/${e.involvedObject.name}` : kind;
  return [
    last, e.type ?? '', e.reason ?? '', target,
    e.involvedObject.fieldPath ?? '',
    formatEventSource(e),
    (e.message ?? '').trim(),
    first, count, e.name,
  ];
}

const columns = (): ReturnType<TableConvertor['columns']> => [
  col('Last Seen', 'string', EventDoc.lastTimestamp),
  col('Type', 'string', EventDoc.type),
  col('Reason', 'string', EventDoc.reason),
  col('Object', 'string', EventDoc.involvedObject),
  wide('Subobject', 'string', ObjectReferenceDoc.fieldPath),
  wide('Source', 'string', EventDoc.source),
  col('Message', 'string', EventDoc.message),
  wide('First Seen', 'string', EventDoc.firstTimestamp),
  wide('Count', 'string', EventDoc.count),
  { ...NAME_COLUMN, priority: 1 },
];

/**
 * Which shape an event arrives in: events.k8s.io/v1 by apiVersion, or (without
 * one) by its v1-only fields; anything else is read as core/v1.
 */
function toPrintable(obj: KubeObject): PrintableEvent {
  const v1 = obj.apiVersion
    ? obj.apiVersion.startsWith('events.k8s.io/')
    : 'regarding' in obj || 'note' in obj || 'deprecatedSource' in obj;
  return v1 ? fromEventsV1(as<EventsV1Event>(obj)) : fromCore(as<CoreEvent>(obj));
}

/** Serves both core/v1 and events.k8s.io/v1 events; each object is read in its own shape. */
export const eventConvertor: TableConvertor = {
  columns,
  cells: (obj: KubeObject, now: Date): unknown[] => eventCells(toPrintable(obj), now),
};
