/**
 * Reading and decoding request bodies, with the size limit enforced while
 * reading (413 past it; nothing is buffered beyond the limit).
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, tooLarge, unsupportedMediaType } from '../../api/errors.js';
import { bodyFormat, type BodyFormat } from '../negotiation.js';
import { decodeKubernetesProtobuf } from '../../api/protobuf/index.js';
import { MAX_NESTING_DEPTH, nestedDeeperThan } from './nesting-depth.js';

/** Upstream's limit on request bodies (3 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The body, whole; 413 past maxBytes (the rest is drained, not kept); rejects if the client goes away first. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.reject(tooLarge(maxBytes));
  }
  // Plain listeners rather than `for await`: an async iterator per request
  // costs more than reading a typical small body.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: Error): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        done(tooLarge(maxBytes));
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => done();
    const onError = (e: Error): void => done(e);
    const onClose = (): void => { if (!req.complete) done(new Error('the client closed the connection before the body was read')); };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

export interface DecodedBody {
  format: BodyFormat;
  value: unknown;
  raw: Buffer;
}

/**
 * Decodes JSON, YAML and patch bodies, and Kubernetes protobuf (the `k8s\0`
 * envelope kubectl 1.32+ sends for its generators) into the JSON form.
 */
export function decodeBody(raw: Buffer, contentType: string | undefined): DecodedBody {
  const format = bodyFormat(contentType);
  if (!format) throw unsupportedMediaType(contentType ?? '');
  if (format === 'protobuf') return { format: 'json', value: decodeKubernetesProtobuf(raw).object, raw };
  const text = raw.toString('utf8');
  if (text.trim() === '') throw badRequest('the body of the request was empty');
  let value: unknown;
  try {
    value = format === 'yaml' || format === 'apply-patch' ? parseYaml(text) as unknown : JSON.parse(text) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw badRequest(`the body of the request could not be decoded: ${msg}`);
  }
  // Each level takes at least two bytes ("[]"), so short bodies need no walk.
  if (raw.length > 2 * MAX_NESTING_DEPTH && nestedDeeperThan(value)) {
    throw badRequest(`the body of the request could not be decoded: exceeded max depth of ${MAX_NESTING_DEPTH} levels of nesting`);
  }
  return { format, value, raw };
}
