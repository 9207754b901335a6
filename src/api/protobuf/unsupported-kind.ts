import { StatusError } from '../errors.js';

/** 415 for a protobuf body of a kind k8ts has no protobuf schema for. */
export function unsupportedProtobufKind(apiVersion: string, kind: string): StatusError {
  const what = kind ? `${apiVersion || '<no apiVersion>'}, Kind=${kind}` : 'an object without a kind';
  return new StatusError(415, 'UnsupportedMediaType',
    `k8ts cannot read ${what} as application/vnd.kubernetes.protobuf; send it as application/json`);
}
