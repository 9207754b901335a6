/**
 * A response body serialized once and served many times with upstream's HTTP
 * caching: a strong ETag (the upper-case hex SHA-512 of the bytes, as
 * kube-openapi computes it), `If-None-Match` / `If-Modified-Since` answered
 * with 304, and gzip for large bodies when the client accepts it.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

/** Bodies at least this large are gzipped for clients that accept it (upstream's threshold). */
export const GZIP_MIN_BYTES = 128 * 1024;

export class CachedBody {
  readonly bytes: Buffer;
  readonly contentType: string;
  /** Upper-case hex SHA-512 of `bytes`: the `hash` of a v3 serverRelativeURL and the ETag's value. */
  readonly hash: string;
  readonly lastModified: Date;
  private gz: Buffer | undefined;

  constructor(bytes: Buffer, contentType: string, lastModified: Date = new Date()) {
    this.bytes = bytes;
    this.contentType = contentType;
    this.hash = createHash('sha512').update(this.bytes).digest('hex').toUpperCase();
    this.lastModified = lastModified;
  }

  /** `value` serialized as `application/json`. */
  static json(value: unknown, lastModified?: Date): CachedBody {
    return new CachedBody(Buffer.from(JSON.stringify(value)), 'application/json', lastModified);
  }

  /** The quoted ETag header value. */
  get etag(): string {
    return `"${this.hash}"`;
  }

  /** The gzipped bytes, compressed on first use. */
  gzipped(): Buffer {
    this.gz ??= gzipSync(this.bytes);
    return this.gz;
  }
}

/** True when an `If-None-Match` header matches `etag` (weak comparison, `*` matches anything). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * Answers `req` with `body` (its own Content-Type) plus `headers`: 304 when
 * the client's validators match, headers only for HEAD, gzip when worthwhile.
 */
export function sendCached(req: IncomingMessage, res: ServerResponse, body: CachedBody, headers: Readonly<Record<string, string>> = {}): void {
  const common: Record<string, string> = {
    ...headers,
    'Content-Type': body.contentType,
    ETag: body.etag,
    'Last-Modified': body.lastModified.toUTCString(),
  };
  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  const notModified = inm !== undefined
    ? etagMatches(inm, body.etag)
    : typeof ims === 'string' && !Number.isNaN(Date.parse(ims)) && Math.floor(body.lastModified.getTime() / 1000) * 1000 <= Date.parse(ims);
  if (notModified) {
    const { 'Content-Type': _ct, ...rest } = common;
    res.writeHead(304, rest);
    res.end();
    return;
  }
  let payload = body.bytes;
  if (body.bytes.length >= GZIP_MIN_BYTES) {
    common['Vary'] = common['Vary'] ? `${common['Vary']}, Accept-Encoding` : 'Accept-Encoding';
    if (acceptsGzip(req)) {
      payload = body.gzipped();
      common['Content-Encoding'] = 'gzip';
    }
  }
  common['Content-Length'] = String(payload.length);
  res.writeHead(200, common);
  res.end(req.method === 'HEAD' ? undefined : payload);
}
