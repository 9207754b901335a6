/**
 * encodeKubernetesProtobuf: an object in its JSON form → a Kubernetes
 * protobuf body (magic + runtime.Unknown + typed message), the inverse of
 * decodeKubernetesProtobuf.
 */
import { badRequest } from '../errors.js';
import { writeEnvelope } from './envelope.js';
import { messageFromJson } from './from-json.js';
import { lookupProtobufKind } from './kinds.js';
import { messageType } from './root.js';
import { unsupportedProtobufKind } from './unsupported-kind.js';

/**
 * Encodes `obj`, whose `apiVersion` and `kind` pick the message and go into
 * the envelope. Throws 415 for a kind without a protobuf schema and 400
 * BadRequest (naming the JSON path) for a field the schema lacks or a value
 * of the wrong type.
 */
export function encodeKubernetesProtobuf(obj: Record<string, unknown>): Uint8Array {
  const { apiVersion, kind, ...fields } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    throw badRequest('apiVersion and kind must be set to encode an object as protobuf');
  }
  const k = lookupProtobufKind(apiVersion, kind);
  if (!k) throw unsupportedProtobufKind(apiVersion, kind);
  const type = messageType(k.message);
  const raw = type.encode(messageFromJson(type, fields)).finish();
  return writeEnvelope(apiVersion, kind, raw);
}
