import type Database from 'better-sqlite3';
import type { LogRow } from './log-row.js';

const COLUMNS = 'id, name, created, deleted, create_revision, prev_revision, value, old_value';

/**
 * The id of k.name's newest row at or below @rev. It walks the unique
 * (name, prev_revision) index backwards: a key's rows have increasing
 * prev_revision in id order (each names the newest row before it), and the
 * index entry carries the rowid (= id), so no table row is read.
 */
const NEWEST_AT = 'SELECT id FROM kv WHERE name = k.name AND id <= @rev ORDER BY prev_revision DESC LIMIT 1';

/** Key range [start, end) read at revision `rev`. */
export interface RangeAt { start: string; end: string; rev: number }

/**
 * The prepared statements of SqliteStore, prepared once per connection (the
 * store's read connection and its writer's connection each have their own).
 * "Newest row per name at or below a revision" is the snapshot rule every read
 * uses; reads walk the (name, prev_revision) index in key order, so a page
 * stops at its limit.
 */
export function prepareStatements(db: Database.Database) {
  return {
    latest: db.prepare<[string], LogRow>(
      `SELECT ${COLUMNS} FROM kv WHERE name = ? ORDER BY prev_revision DESC LIMIT 1`),
    /** The key's newest row at or below @rev. */
    latestAt: db.prepare<[{ name: string; rev: number }], LogRow>(
      `SELECT ${COLUMNS} FROM kv WHERE name = @name AND id <= @rev ORDER BY prev_revision DESC LIMIT 1`),
    insert: db.prepare<[LogRow]>(
      `INSERT INTO kv (${COLUMNS}) VALUES (@id, @name, @created, @deleted, @create_revision, @prev_revision, @value, @old_value)`),
    listPage: db.prepare<[RangeAt & { limit: number }], LogRow>(
      `SELECT ${COLUMNS} FROM kv AS k
        WHERE k.name >= @start AND k.name < @end AND k.id <= @rev AND k.deleted = 0
          AND k.id = (${NEWEST_AT})
        ORDER BY k.name LIMIT @limit`),
    countRange: db.prepare<[RangeAt], number>(
      `SELECT COUNT(*) FROM kv AS k
        WHERE k.name >= @start AND k.name < @end AND k.id <= @rev AND k.deleted = 0
          AND k.id = (${NEWEST_AT})`).pluck(),
    events: db.prepare<[{ after: number; rev: number; start: string; end: string; limit: number }], LogRow>(
      // `+name` keeps the planner on the id range: history after a watch's
      // revision is usually short, while a prefix can cover the whole table.
      `SELECT ${COLUMNS} FROM kv
        WHERE id > @after AND id <= @rev AND +name >= @start AND +name < @end
        ORDER BY id LIMIT @limit`),
    maxId: db.prepare<[], number | null>('SELECT MAX(id) FROM kv').pluck(),
    getMeta: db.prepare<[string], number>('SELECT value FROM meta WHERE key = ?').pluck(),
    setMeta: db.prepare<[string, number]>(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    /** Deletes every row superseded by a row with id in (lo, hi]. */
    deleteSuperseded: db.prepare<[number, number]>(
      `DELETE FROM kv WHERE id IN
        (SELECT prev_revision FROM kv WHERE id > ? AND id <= ? AND prev_revision != 0)`),
    /** Deletes tombstones with id in (lo, hi]. */
    deleteTombstones: db.prepare<[number, number]>(
      'DELETE FROM kv WHERE id > ? AND id <= ? AND deleted = 1'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
