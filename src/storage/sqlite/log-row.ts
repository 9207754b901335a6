import type { KeyValue, WatchEvent } from '../store.js';

/** One row of the `kv` log table. */
export interface LogRow {
  id: number;
  name: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: Uint8Array | null;
  old_value: Uint8Array | null;
}

const EMPTY = new Uint8Array(0);

/** The key-value a live (non-tombstone) row holds. */
export function rowToKeyValue(row: LogRow): KeyValue {
  return { key: row.name, value: row.value ?? EMPTY, createRevision: row.create_revision, modRevision: row.id };
}

/** The watch event a row records; prevKv comes from old_value, so it needs no other row. */
export function rowToEvent(row: LogRow): WatchEvent {
  const prevKv: KeyValue | undefined = row.created === 1 ? undefined : {
    key: row.name, value: row.old_value ?? EMPTY, createRevision: row.create_revision, modRevision: row.prev_revision,
  };
  if (row.deleted === 1) {
    return { type: 'delete', kv: { ...prevKv!, modRevision: row.id }, prevKv, revision: row.id };
  }
  return { type: 'put', kv: rowToKeyValue(row), prevKv, revision: row.id };
}
