/**
 * metadata.managedFields entries and the per-manager field sets they hold
 * (upstream k8s.io/apimachinery/pkg/util/managedfields/internal
 * managedfields.go): decoding, manager identifiers, encoding and the
 * entry order.
 */
import type { ManagedFieldsEntry } from 'kubernetes-types/meta/v1.js';
import { FieldSet } from './field-set.js';
import { decodeFieldsV1, encodeFieldsV1 } from './fields-v1.js';
import { compareStrings } from './value.js';
import { rfc3339Seconds as formatSeconds } from '../time.js';

export type { ManagedFieldsEntry };

/** One manager's fields, keyed in a Managers map by its identifier. */
export interface ManagerState {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion: string;
  readonly subresource?: string;
  set: FieldSet;
  /** RFC 3339 (seconds); undefined when never stamped. */
  time?: string;
}

/** Manager identifier (upstream BuildManagerIdentifier JSON) to its state. */
export type Managers = Map<string, ManagerState>;

/**
 * Upstream's identifier: the entry as JSON without time and fields, and
 * without apiVersion for appliers (so one applier has one entry across versions).
 */
export function managerIdentifier(m: Pick<ManagerState, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const o: Record<string, string> = { manager: m.manager, operation: m.operation };
  if (m.operation === 'Update' && m.apiVersion) o.apiVersion = m.apiVersion;
  if (m.subresource) o.subresource = m.subresource;
  return JSON.stringify(o);
}

/** Thrown for an entry that upstream's decoder rejects. */
export class ManagedFieldsDecodeError extends Error {}

/** Decodes entries into a Managers map (a later duplicate identifier wins, as upstream). */
export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): Managers {
  const out: Managers = new Map();
  (entries ?? []).forEach((e, i) => {
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new ManagedFieldsDecodeError('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new ManagedFieldsDecodeError('apiVersion must not be empty');
    if (e.fieldsType === undefined || e.fieldsType === '') throw new ManagedFieldsDecodeError(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new ManagedFieldsDecodeError(`invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}`);
    let set: FieldSet;
    try {
      set = e.fieldsV1 === undefined ? new FieldSet() : decodeFieldsV1(e.fieldsV1);
    } catch (err) {
      throw new ManagedFieldsDecodeError(`error decoding versioned set: ${(err as Error).message}`);
    }
    const st: ManagerState = {
      manager: e.manager ?? '', operation: e.operation, apiVersion: e.apiVersion, set,
      ...(e.subresource ? { subresource: e.subresource } : {}),
      ...(e.time ? { time: e.time } : {}),
    };
    out.set(managerIdentifier(st), st);
  });
  return out;
}

/** Encodes non-empty managers as entries in upstream's order. */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const m of managers.values()) {
    if (m.set.empty()) continue;
    const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time !== undefined) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = encodeFieldsV1(m.set);
    if (m.subresource) e.subresource = m.subresource;
    out.push(e);
  }
  return sortManagedFields(out);
}

/** Upstream sortEncodedManagedFields: operation (Apply before Update), time, manager, apiVersion, subresource. */
export function sortManagedFields(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  return entries.sort((p, q) => {
    if (p.operation !== q.operation) return compareStrings(p.operation ?? '', q.operation ?? '');
    const ps = unixSeconds(p.time), qs = unixSeconds(q.time);
    if (ps !== qs) return ps < qs ? -1 : 1;
    return compareStrings(p.manager ?? '', q.manager ?? '')
      || compareStrings(p.apiVersion ?? '', q.apiVersion ?? '')
      || compareStrings(p.subresource ?? '', q.subresource ?? '');
  });
}

/** Seconds since the epoch of an RFC 3339 time; 0 when absent or unparsable. */
export function unixSeconds(t: string | undefined): number {
  if (!t) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** RFC 3339 with second precision in UTC, as managedFields times are written. */
export function rfc3339Seconds(t: string | Date): string {
  if (typeof t === 'string' && SECONDS_UTC.test(t)) return t;
  return formatSeconds((typeof t === 'string' ? new Date(t) : t).getTime());
}

const SECONDS_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** A deep copy of the map (sets are immutable once built, so shared). */
export function cloneManagers(m: Managers): Managers {
  const out: Managers = new Map();
  for (const [k, v] of m) out.set(k, { ...v });
  return out;
}
