/**
 * decodeKubernetesProtobuf: a Kubernetes protobuf request body → the object
 * in its JSON form, as the rest of the API server handles it.
 */
import { badRequest, isStatusError } from '../errors.js';
import { readEnvelope } from './envelope.js';
import { lookupProtobufKind } from './kinds.js';
import { messageType } from './root.js';
import { messageToJson } from './to-json.js';
import { unsupportedProtobufKind } from './unsupported-kind.js';

export interface DecodedObject {
  apiVersion: string;
  kind: string;
  /** The JSON form, with `apiVersion` and `kind` taken from the envelope. */
  object: Record<string, unknown>;
}

/**
 * Decodes `body` (magic + runtime.Unknown + typed message). Throws a
 * StatusError: 400 BadRequest when the magic is missing or the bytes are
 * malformed, 415 UnsupportedMediaType for a compressed body or a kind k8ts
 * has no protobuf schema for (the message names the kind).
 */
export function decodeKubernetesProtobuf(body: Uint8Array): DecodedObject {
  const env = readEnvelope(body);
  const k = lookupProtobufKind(env.apiVersion, env.kind);
  if (!k) throw unsupportedProtobufKind(env.apiVersion, env.kind);
  if (env.contentEncoding !== '') {
    throw unsupportedProtobufKind(env.apiVersion, `${env.kind} (contentEncoding ${JSON.stringify(env.contentEncoding)})`);
  }
  const type = messageType(k.message);
  let fields: Record<string, unknown>;
  try {
    fields = messageToJson(type, type.decode(env.raw) as unknown as Record<string, unknown>);
  } catch (err) {
    if (isStatusError(err)) throw err;
    throw badRequest(`cannot decode ${env.apiVersion}, Kind=${env.kind} from protobuf: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { apiVersion: env.apiVersion, kind: env.kind, object: { kind: env.kind, apiVersion: env.apiVersion, ...fields } };
}
