/**
 * How objects are kept in the store: JSON without metadata.resourceVersion,
 * which is the key's modRevision and is set on every read (as upstream's etcd3
 * store does).
 */
import type { WithMeta } from '../../api/object.js';

export function decodeStored(value: Uint8Array, revision: number): WithMeta {
  const obj = JSON.parse(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8')) as WithMeta;
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
