/**
 * core/v1 Events (upstream's pkg/registry/core/event/strategy.go and
 * ValidateEventCreate / legacyValidateEvent). Events are named like
 * `<object>.<hex>`, a DNS subdomain.
 */
import type { Event } from 'kubernetes-types/core/v1.js';
import type { FieldError } from '../../../api/field-errors.js';
import { FieldPath, invalidValue, required } from '../../../api/field-errors.js';
import type { KubeObject } from '../../../api/object.js';
import { isDNS1123Subdomain, isQualifiedName } from '../../../api/validation/names.js';
import type { Strategy } from '../strategy.js';

const asEvent = (o: KubeObject): Event => o as unknown as Event;

const LIMIT_128 = 128;
const NOTE_LIMIT = 1024;

function tooLongField(path: string, limit: number): FieldError {
  return invalidValue(FieldPath.root(path), '', `can have at most ${limit} characters`);
}

export function validateEvent(ev: Event): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata?.namespace ?? '';
  const involvedNs = ev.involvedObject?.namespace ?? '';
  const involvedPath = FieldPath.root('involvedObject', 'namespace');
  if (!ev.eventTime) {
    if (!involvedNs) {
      if (ns !== '' && ns !== 'default') errs.push(invalidValue(involvedPath, involvedNs, 'does not match event.namespace'));
    } else if (ns !== involvedNs) {
      errs.push(invalidValue(involvedPath, involvedNs, 'does not match event.namespace'));
    }
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') {
      errs.push(invalidValue(involvedPath, involvedNs, 'does not match event.namespace'));
    }
    const rc = ev.reportingComponent ?? '';
    if (!rc) errs.push(required(FieldPath.root('reportingComponent')));
    errs.push(...isQualifiedName(rc).map((m) => invalidValue(FieldPath.root('reportingComponent'), rc, m)));
    if (!ev.reportingInstance) errs.push(required(FieldPath.root('reportingInstance')));
    if ((ev.reportingInstance ?? '').length > LIMIT_128) errs.push(tooLongField('reportingInstance', LIMIT_128));
    if (!ev.action) errs.push(required(FieldPath.root('action')));
    if ((ev.action ?? '').length > LIMIT_128) errs.push(tooLongField('action', LIMIT_128));
    if (!ev.reason) errs.push(required(FieldPath.root('reason')));
    if ((ev.reason ?? '').length > LIMIT_128) errs.push(tooLongField('reason', LIMIT_128));
    if ((ev.message ?? '').length > NOTE_LIMIT) errs.push(tooLongField('message', NOTE_LIMIT));
  }
  errs.push(...isDNS1123Subdomain(ns).map((m) => invalidValue(FieldPath.root('namespace'), ns, m)));
  return errs;
}

export const EVENT_FIELD_SELECTOR_KEYS = [
  'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
  'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath',
  'reason', 'reportingComponent', 'source', 'type',
];

export const eventStrategy: Strategy = {
  validate: (obj) => validateEvent(asEvent(obj)),
  fieldSelectorKeys: EVENT_FIELD_SELECTOR_KEYS,
  selectableFields(obj) {
    const ev = asEvent(obj);
    const io = ev.involvedObject ?? {};
    return {
      'involvedObject.kind': io.kind ?? '',
      'involvedObject.namespace': io.namespace ?? '',
      'involvedObject.name': io.name ?? '',
      'involvedObject.uid': io.uid ?? '',
      'involvedObject.apiVersion': io.apiVersion ?? '',
      'involvedObject.resourceVersion': io.resourceVersion ?? '',
      'involvedObject.fieldPath': io.fieldPath ?? '',
      reason: ev.reason ?? '',
      reportingComponent: ev.reportingComponent ?? '',
      source: ev.source?.component ?? '',
      type: ev.type ?? '',
    };
  },
};
