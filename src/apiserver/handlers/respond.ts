/**
 * Writing responses: JSON bodies, Status errors, and the Status "Success"
 * replies of deletes.
 */
import type { ServerResponse } from 'node:http';
import { stringify as toYaml } from 'yaml';
import type { Status } from 'kubernetes-types/meta/v1.js';
import { internalError, isStatusError, notAcceptable, type StatusError } from '../../api/errors.js';
import { encodeKubernetesProtobuf, PROTOBUF_CONTENT_TYPE } from '../../api/protobuf/index.js';

export function writeJson(res: ServerResponse, code: number, body: unknown, opts: { yaml?: boolean; headers?: Record<string, string> } = {}): void {
  const text = opts.yaml ? toYaml(body) : JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': opts.yaml ? 'application/yaml' : 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...opts.headers,
  });
  res.end(text);
}

/**
 * A reply in Kubernetes protobuf, for clients that accept nothing else; kinds
 * without a protobuf form get 406 NotAcceptable.
 */
export function writeProtobuf(res: ServerResponse, code: number, body: Record<string, unknown>, headers?: Record<string, string>): void {
  let bytes: Uint8Array;
  try {
    bytes = encodeKubernetesProtobuf(body);
  } catch {
    throw notAcceptable(`${String(body.kind)} has no protobuf form on this server; accept application/json`);
  }
  res.writeHead(code, {
    'Content-Type': PROTOBUF_CONTENT_TYPE, 'Content-Length': bytes.byteLength, 'Cache-Control': 'no-cache, private', ...headers,
  });
  res.end(bytes);
}

/** Any thrown value as a Status reply; unexpected errors become 500 InternalError. */
export function writeError(res: ServerResponse, err: unknown): StatusError {
  const se = isStatusError(err) ? err : internalError(err);
  if (res.headersSent) {
    res.destroy();
    return se;
  }
  writeJson(res, se.code, se.toStatus(), { headers: se.headers });
  return se;
}

export function successStatus(details: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
