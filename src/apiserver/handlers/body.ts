/**
 * Reading and decoding request bodies, with the size limit enforced while
 * reading (413 past it; nothing is buffered beyond the limit).
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, tooLarge, unsupportedMediaType } from '../../api/errors.js';
import { bodyFormat, type BodyFormat } from '../negotiation.js';
import { decodeKubernetesProtobuf } from '../../api/protobuf/index.js';

/** Upstream's limit on request bodies (3 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    throw tooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume();
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
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
  try {
    const value = format === 'yaml' || format === 'apply-patch' ? parseYaml(text) as unknown : JSON.parse(text) as unknown;
    return { format, value, raw };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw badRequest(`the body of the request could not be decoded: ${msg}`);
  }
}
