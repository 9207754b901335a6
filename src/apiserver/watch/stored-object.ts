/**
 * How objects are kept in the store: JSON without metadata.resourceVersion,
 * which is the key's modRevision and is set on every read (as upstream's etcd3
 * store does).
 */
import type { WithMeta } from '../../api/object.js';

/** The apiVersion and kind of the objects under one storage prefix (their storage version). */
export interface TypeMeta {
  apiVersion: string;
  kind: string;
}

/**
 * The stored object at `revision`. With `typeMeta`, a row written without
 * apiVersion or kind (as a faulty earlier version did) is repaired on read:
 * every object under one prefix has its storage version's type.
 */
export function decodeStored(value: Uint8Array, revision: number, typeMeta?: TypeMeta): WithMeta {
  let obj = JSON.parse(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8')) as WithMeta;
  if (typeMeta && (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string' || !obj.apiVersion || !obj.kind)) {
    const { apiVersion: _a, kind: _k, ...rest } = obj;
    obj = { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...rest } as WithMeta;
  }
  obj.metadata ??= {};
  obj.metadata.resourceVersion = String(revision);
  return obj;
}

export function encodeStored(obj: WithMeta): Uint8Array {
  const rv = obj.metadata.resourceVersion;
  delete obj.metadata.resourceVersion;
  try {
    return Buffer.from(JSON.stringify(obj), 'utf8');
  } finally {
    if (rv !== undefined) obj.metadata.resourceVersion = rv;
  }
}
