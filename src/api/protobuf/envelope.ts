/**
 * The Kubernetes protobuf envelope: the 4 magic bytes `k8s\0`, then a
 * runtime.Unknown { typeMeta { apiVersion, kind }, raw, contentEncoding, contentType }
 * whose `raw` holds the typed message.
 */
import { badRequest } from '../errors.js';
import { messageType } from './root.js';
import { UNKNOWN } from './well-known.js';

/** `6b 38 73 00`, the prefix of every Kubernetes protobuf body. */
export const PROTOBUF_MAGIC: Uint8Array = Uint8Array.from([0x6b, 0x38, 0x73, 0x00]);

/** The media type of Kubernetes protobuf bodies. */
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

export interface Envelope {
  apiVersion: string;
  kind: string;
  /** The typed message's bytes. */
  raw: Uint8Array;
  /** Empty unless the raw bytes are compressed (k8ts accepts only empty). */
  contentEncoding: string;
  contentType: string;
}

/** True when `body` starts with the magic. */
export function hasProtobufMagic(body: Uint8Array): boolean {
  return body.length >= PROTOBUF_MAGIC.length && PROTOBUF_MAGIC.every((b, i) => body[i] === b);
}

/** Reads the envelope; throws BadRequest when the magic is missing or the Unknown is malformed. */
export function readEnvelope(body: Uint8Array): Envelope {
  if (!hasProtobufMagic(body)) {
    throw badRequest('the protobuf body does not start with the Kubernetes magic number "k8s\\x00"');
  }
  let u: Record<string, unknown>;
  try {
    u = messageType(UNKNOWN).decode(body.subarray(PROTOBUF_MAGIC.length)) as unknown as Record<string, unknown>;
  } catch (err) {
    throw badRequest(`the protobuf body is not a valid runtime.Unknown: ${err instanceof Error ? err.message : String(err)}`);
  }
  const tm = (u.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  return {
    apiVersion: tm.apiVersion ?? '',
    kind: tm.kind ?? '',
    raw: u.raw instanceof Uint8Array ? u.raw : new Uint8Array(0),
    contentEncoding: typeof u.contentEncoding === 'string' ? u.contentEncoding : '',
    contentType: typeof u.contentType === 'string' ? u.contentType : '',
  };
}

/** The envelope bytes (magic included) for a typed message; contentEncoding and contentType are empty, as Go writes them. */
export function writeEnvelope(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  const u = messageType(UNKNOWN).encode({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' }).finish();
  const out = new Uint8Array(PROTOBUF_MAGIC.length + u.length);
  out.set(PROTOBUF_MAGIC, 0);
  out.set(u, PROTOBUF_MAGIC.length);
  return out;
}
