/**
 * The wire format of a write batch between the store (main thread) and its
 * writer thread. Values travel packed in one ArrayBuffer that is transferred,
 * not copied: the store packs each batch once (its private copy of the
 * callers' bytes), the writer binds views of it and transfers it back with
 * the results, and the store's key-values are views of it from then on. The
 * values a batch replaced (prevKv, a conflict's current value) come back the
 * same way, in a second transferred buffer.
 */
import type { LogRow } from './log-row.js';
import type { WriteRequest, WriteResult } from './write-op.js';

const KINDS = ['create', 'update', 'delete'] as const;
const STATUSES = ['ok', 'exists', 'not-found', 'conflict', 'constraint'] as const;
/** Numbers per result in EncodedResults.fields: status, revision, createRevision, prevRevision. */
const FIELDS = 4;

export interface EncodedBatch {
  /** Index into KINDS, per write. */
  kinds: Uint8Array;
  keys: string[];
  /** The CAS revision per write; NaN when absent. */
  expected: Float64Array;
  /** Write i's value is values[bounds[i], bounds[i+1]). */
  bounds: Uint32Array;
  values: ArrayBuffer;
}

export interface EncodedResults {
  /**
   * FIELDS numbers per write: status (index into STATUSES), then for ok the
   * row's id, create_revision and prev_revision, for conflict 0 and the live
   * row's create_revision and id.
   */
  fields: Float64Array;
  /** Write i's replaced value (old_value, or a conflict's current value) is oldValues[bounds[i], bounds[i+1]). */
  bounds: Uint32Array;
  oldValues: ArrayBuffer;
  /** Messages of constraint failures, by write index. */
  messages: Record<number, string>;
}

/** Packs requests, copying each value once into the batch's own buffer. */
export function encodeBatch(reqs: readonly WriteRequest[]): EncodedBatch {
  const n = reqs.length;
  const kinds = new Uint8Array(n);
  const expected = new Float64Array(n);
  const bounds = new Uint32Array(n + 1);
  const keys: string[] = new Array(n);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const r = reqs[i]!;
    keys[i] = r.key;
    kinds[i] = KINDS.indexOf(r.kind);
    expected[i] = r.kind === 'create' || r.expected === undefined ? NaN : r.expected;
    bounds[i] = size;
    if (r.kind !== 'delete') size += r.value.byteLength;
  }
  bounds[n] = size;
  const values = new ArrayBuffer(size);
  const bytes = new Uint8Array(values);
  for (let i = 0; i < n; i++) {
    const r = reqs[i]!;
    if (r.kind !== 'delete') bytes.set(r.value, bounds[i]);
  }
  return { kinds, keys, expected, bounds, values };
}

/**
 * The buffers to transfer with a batch (only its values: the store keeps the
 * small arrays, the writer sends the values back) or with results (all).
 */
export function transferList(m: EncodedBatch | EncodedResults): ArrayBuffer[] {
  return 'values' in m ? [m.values] : [m.oldValues, m.fields.buffer as ArrayBuffer, m.bounds.buffer as ArrayBuffer];
}

/** The requests of a batch; values are Buffer views of the batch's buffer. */
export function decodeBatch(b: EncodedBatch): WriteRequest[] {
  const out: WriteRequest[] = new Array(b.keys.length);
  for (let i = 0; i < out.length; i++) {
    const key = b.keys[i]!;
    const kind = KINDS[b.kinds[i]!]!;
    const e = b.expected[i]!;
    if (kind === 'delete') out[i] = Number.isNaN(e) ? { kind, key } : { kind, key, expected: e };
    else {
      const value = Buffer.from(b.values, b.bounds[i]!, b.bounds[i + 1]! - b.bounds[i]!);
      out[i] = kind === 'create' ? { kind, key, value } : { kind, key, value, expected: e };
    }
  }
  return out;
}

/** Packs results, copying each replaced value once. */
export function encodeResults(results: readonly WriteResult[]): EncodedResults {
  const n = results.length;
  const fields = new Float64Array(n * FIELDS);
  const bounds = new Uint32Array(n + 1);
  const messages: Record<number, string> = {};
  const olds: (Uint8Array | null)[] = new Array(n).fill(null);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const r = results[i]!;
    const f = i * FIELDS;
    fields[f] = STATUSES.indexOf(r.status);
    if (r.status === 'ok') {
      fields[f + 1] = r.row.id;
      fields[f + 2] = r.row.create_revision;
      fields[f + 3] = r.row.prev_revision;
      olds[i] = r.row.old_value;
    } else if (r.status === 'conflict') {
      fields[f + 2] = r.current.create_revision;
      fields[f + 3] = r.current.id;
      olds[i] = r.current.value;
    } else if (r.status === 'constraint') {
      messages[i] = r.message;
    }
    bounds[i] = size;
    size += olds[i]?.byteLength ?? 0;
  }
  bounds[n] = size;
  const oldValues = new ArrayBuffer(size);
  const bytes = new Uint8Array(oldValues);
  for (let i = 0; i < n; i++) {
    const old = olds[i];
    if (old) bytes.set(old, bounds[i]);
  }
  return { fields, bounds, oldValues, messages };
}

/**
 * Rebuilds each write's result from the batch it answers: the rows an ok
 * write appended (value and old_value are views of the two buffers), a
 * conflict's live row (its value and identity; prev_revision is not carried).
 */
export function decodeResults(b: EncodedBatch, res: EncodedResults): WriteResult[] {
  const out: WriteResult[] = new Array(b.keys.length);
  for (let i = 0; i < out.length; i++) {
    const f = i * FIELDS;
    const status = STATUSES[res.fields[f]!]!;
    const name = b.keys[i]!;
    const old = new Uint8Array(res.oldValues, res.bounds[i]!, res.bounds[i + 1]! - res.bounds[i]!);
    if (status === 'ok') {
      const kind = KINDS[b.kinds[i]!]!;
      out[i] = {
        status,
        row: {
          id: res.fields[f + 1]!, name, created: kind === 'create' ? 1 : 0, deleted: kind === 'delete' ? 1 : 0,
          create_revision: res.fields[f + 2]!, prev_revision: res.fields[f + 3]!,
          value: kind === 'delete' ? null : new Uint8Array(b.values, b.bounds[i]!, b.bounds[i + 1]! - b.bounds[i]!),
          old_value: kind === 'create' ? null : old,
        },
      };
    } else if (status === 'conflict') {
      out[i] = {
        status,
        current: {
          id: res.fields[f + 3]!, name, created: 0, deleted: 0, create_revision: res.fields[f + 2]!,
          prev_revision: 0, value: old, old_value: null,
        },
      };
    } else if (status === 'constraint') {
      out[i] = { status, message: res.messages[i] ?? 'constraint failed' };
    } else {
      out[i] = { status };
    }
  }
  return out;
}
