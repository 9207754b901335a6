/**
 * Writing responses: JSON bodies, Status errors, and the Status "Success"
 * replies of deletes.
 */
import type { ServerResponse } from 'node:http';
import { stringify as toYaml } from 'yaml';
import type { Status } from 'kubernetes-types/meta/v1.js';
import { internalError, isStatusError, type StatusError } from '../../api/errors.js';

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
