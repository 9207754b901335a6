/**
 * events.k8s.io/v1 Event, validated in its stored core/v1 form with the strict
 * rules upstream applies to requests through events.k8s.io/v1
 * (pkg/apis/core/validation/events.go ValidateEventCreate/ValidateEventUpdate).
 * Field paths name core fields (involvedObject, message), as upstream's do.
 */
import type { Event as CoreEvent } from 'kubernetes-types/core/v1.js';
import type { WithMeta } from '../../../api/object.js';
import { deepEqual } from '../../../api/object.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, invalidValue, required } from '../../../api/field-errors.js';
import { isDNS1123Subdomain, isQualifiedName } from '../../../api/validation/names.js';
import { validateImmutableField } from '../../../api/validation/object-meta.js';
import type { Strategy } from '../strategy.js';

const LIMIT_128 = 128;
const NOTE_LIMIT = 1024;
const root = (...p: string[]): FieldPath => FieldPath.root(...p);

function validateSeries(ev: CoreEvent): FieldError[] {
  if (!ev.series) return [];
  const errs: FieldError[] = [];
  if ((ev.series.count ?? 0) < 2) errs.push(invalidValue('series.count', '', 'should be at least 2'));
  if (!ev.series.lastObservedTime) errs.push(required('series.lastObservedTime'));
  return errs;
}

/** legacyValidateEvent for an event with eventTime set, plus the events.k8s.io/v1 strict rules. */
export function validateEventsV1(ev: CoreEvent): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata?.namespace ?? '';
  const involvedNs = ev.involvedObject?.namespace ?? '';
  if (!ev.eventTime) {
    errs.push(required(root('eventTime')));
    if (involvedNs ? involvedNs !== ns : (ns !== '' && ns !== 'default')) {
      errs.push(invalidValue(root('involvedObject', 'namespace'), involvedNs, 'does not match event.namespace'));
    }
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') {
      errs.push(invalidValue(root('involvedObject', 'namespace'), involvedNs, 'does not match event.namespace'));
    }
    const rc = ev.reportingComponent ?? '';
    if (!rc) errs.push(required(root('reportingController')));
    errs.push(...isQualifiedName(rc).map((m) => invalidValue(root('reportingController'), rc, m)));
    if (!ev.reportingInstance) errs.push(required(root('reportingInstance')));
    if ((ev.reportingInstance ?? '').length > LIMIT_128) errs.push(invalidValue(root('reportingInstance'), '', `can have at most ${LIMIT_128} characters`));
    if (!ev.action) errs.push(required(root('action')));
    if ((ev.action ?? '').length > LIMIT_128) errs.push(invalidValue(root('action'), '', `can have at most ${LIMIT_128} characters`));
    if (!ev.reason) errs.push(required(root('reason')));
    if ((ev.reason ?? '').length > LIMIT_128) errs.push(invalidValue(root('reason'), '', `can have at most ${LIMIT_128} characters`));
    if ((ev.message ?? '').length > NOTE_LIMIT) errs.push(invalidValue(root('message'), '', `can have at most ${NOTE_LIMIT} characters`));
  }
  errs.push(...isDNS1123Subdomain(ns).map((m) => invalidValue(root('namespace'), ns, m)));
  errs.push(...validateSeries(ev));
  if (ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(invalidValue(root('type'), '', `has invalid value: ${ev.type ?? ''}`));
  if (ev.firstTimestamp) errs.push(invalidValue(root('firstTimestamp'), '', 'needs to be unset'));
  if (ev.lastTimestamp) errs.push(invalidValue(root('lastTimestamp'), '', 'needs to be unset'));
  if (ev.count) errs.push(invalidValue(root('count'), '', 'needs to be unset'));
  if (ev.source?.component || ev.source?.host) errs.push(invalidValue(root('source'), '', 'needs to be unset'));
  return errs;
}

const IMMUTABLE: Array<keyof CoreEvent> = ['involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp',
  'count', 'type', 'eventTime', 'action', 'related', 'reportingComponent', 'reportingInstance'];

/** Only series may change (and is re-validated when it does). */
export function validateEventsV1Update(ev: CoreEvent, old: CoreEvent): FieldError[] {
  const errs: FieldError[] = [];
  if (!deepEqual(ev.series, old.series)) errs.push(...validateSeries(ev));
  for (const k of IMMUTABLE) errs.push(...validateImmutableField(ev[k], old[k], root(String(k))));
  return errs;
}

const core = (o: WithMeta): CoreEvent => o as unknown as CoreEvent;

export const eventsV1Strategy: Strategy = {
  // validate() runs on update too; the strict create rules then repeat what validateUpdate keeps immutable.
  validate: (obj) => validateEventsV1(core(obj)),
  validateUpdate: (obj, old) => validateEventsV1Update(core(obj), core(old)),
};
