/**
 * SPDY/3 header blocks: a u32 count, then u32-length name and value pairs,
 * names lower case, several values of one name joined by NUL, the whole
 * compressed with zlib primed by the SPDY/3 dictionary. Each direction of a
 * connection is one zlib stream across all its frames, flushed with
 * Z_SYNC_FLUSH after every block (moby/spdystream spdy/write.go, read.go).
 */
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SpdyProtocolError } from './frames.js';

/** Received headers: lower-case names, every value of a name in order. */
export type SpdyHeaders = Record<string, string[]>;

/** Headers to send: a name's values as one string or a list. */
export type OutgoingSpdyHeaders = Record<string, string | readonly string[]>;

/** The first value of `name`, or undefined. */
export function headerValue(headers: SpdyHeaders, name: string): string | undefined {
  return headers[name.toLowerCase()]?.[0];
}

/**
 * The SPDY/3 zlib dictionary (draft-mbelshe-httpbis-spdy-00 §2.6.10.1, the
 * bytes of spdystream's headerDictionary): length-prefixed names and values,
 * then one raw tail. 1423 bytes.
 */
export const SPDY3_DICTIONARY: Buffer = (() => {
  const entries = [
    'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language',
    'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding',
    'content-language', 'content-length', 'content-location', 'content-md5', 'content-range', 'content-type', 'date', 'etag',
    'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since',
    'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer',
    'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning',
    'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public', 'set-cookie',
    'keep-alive', 'origin',
  ];
  const tail = '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505'
    + '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden'
    + '404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable'
    + 'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT'
    + 'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,'
    + 'publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';
  const parts: Buffer[] = [];
  for (const e of entries) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(e.length);
    parts.push(len, Buffer.from(e, 'latin1'));
  }
  parts.push(Buffer.from(tail, 'latin1'));
  return Buffer.concat(parts);
})();

/** Largest header block accepted after inflating. */
const MAX_HEADER_BLOCK = 1 << 20;

/** The uncompressed block of `headers`. Throws on an empty name. */
export function encodeHeaderBlock(headers: OutgoingSpdyHeaders): Buffer {
  const pairs: Array<[Buffer, Buffer]> = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.length === 0) throw new TypeError('a SPDY header name must not be empty');
    const values = typeof value === 'string' ? [value] : value;
    pairs.push([Buffer.from(name.toLowerCase(), 'utf8'), Buffer.from(values.join('\0'), 'utf8')]);
  }
  const out = Buffer.allocUnsafe(4 + pairs.reduce((n, [k, v]) => n + 8 + k.length + v.length, 0));
  let at = out.writeUInt32BE(pairs.length, 0);
  for (const [k, v] of pairs) {
    at = out.writeUInt32BE(k.length, at);
    at += k.copy(out, at);
    at = out.writeUInt32BE(v.length, at);
    at += v.copy(out, at);
  }
  return out;
}

/**
 * The headers of an uncompressed block. Names are lower-cased (as Go does);
 * a truncated block, trailing bytes or an empty name throw SpdyProtocolError.
 */
export function decodeHeaderBlock(block: Buffer, streamId = 0): SpdyHeaders {
  let at = 0;
  const u32 = (what: string): number => {
    if (at + 4 > block.length) throw new SpdyProtocolError(`header block ends inside ${what}`, streamId);
    const v = block.readUInt32BE(at);
    at += 4;
    return v;
  };
  const bytes = (n: number, what: string): string => {
    if (at + n > block.length) throw new SpdyProtocolError(`header block ends inside ${what}`, streamId);
    const s = block.toString('utf8', at, at + n);
    at += n;
    return s;
  };
  const headers: SpdyHeaders = Object.create(null) as SpdyHeaders;
  const count = u32('the pair count');
  for (let i = 0; i < count; i++) {
    const name = bytes(u32('a name length'), 'a name').toLowerCase();
    if (name.length === 0) throw new SpdyProtocolError('header block with an empty name', streamId);
    const values = bytes(u32('a value length'), `the value of ${name}`).split('\0');
    (headers[name] ??= []).push(...values);
  }
  if (at !== block.length) throw new SpdyProtocolError(`header block has ${block.length - at} bytes after its ${count} pairs`, streamId);
  return headers;
}

/**
 * One direction's zlib stream: blocks go through one at a time, each
 * followed by a sync flush, so the peer can inflate every block as it
 * arrives. A zlib failure fails this and every later block.
 */
class ZlibChannel {
  private tail: Promise<unknown> = Promise.resolve();
  private out: Buffer[] = [];
  private outBytes = 0;
  private failure: Error | undefined;

  constructor(private readonly z: Deflate | Inflate) {
    z.on('data', (c: Buffer) => {
      this.out.push(c);
      this.outBytes += c.length;
    });
    z.on('error', (err: Error) => { this.failure ??= err; });
  }

  process(input: Buffer): Promise<Buffer> {
    const run = (): Promise<Buffer> => new Promise<Buffer>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const onError = (err: Error): void => reject(err);
      this.z.once('error', onError);
      this.z.write(input, (err) => {
        this.z.off('error', onError);
        if (err) return reject(err);
        // Output not yet delivered as 'data' is still buffered: read() hands it to the listener now.
        while (this.z.read() !== null);
        const result = Buffer.concat(this.out, this.outBytes);
        this.out = [];
        this.outBytes = 0;
        if (result.length > MAX_HEADER_BLOCK) {
          this.failure = new SpdyProtocolError(`header block of ${result.length} bytes exceeds ${MAX_HEADER_BLOCK}`);
          return reject(this.failure);
        }
        resolve(result);
      });
    });
    const p = this.tail.then(run);
    this.tail = p.catch(() => undefined);
    return p;
  }

  close(): void {
    this.z.destroy();
  }
}

/** Compresses the header blocks one side sends, in order. */
export class HeaderCompressor {
  private readonly channel = new ZlibChannel(createDeflate({ dictionary: SPDY3_DICTIONARY, flush: constants.Z_SYNC_FLUSH }));

  /** The compressed block of `headers`; calls complete in call order. */
  compress(headers: OutgoingSpdyHeaders): Promise<Buffer> {
    return this.channel.process(encodeHeaderBlock(headers));
  }

  close(): void {
    this.channel.close();
  }
}

/** Inflates the header blocks one side receives, in order. */
export class HeaderDecompressor {
  private readonly channel = new ZlibChannel(createInflate({ dictionary: SPDY3_DICTIONARY, flush: constants.Z_SYNC_FLUSH }));

  /** The headers of a compressed block; rejects with SpdyProtocolError on bad zlib data or a bad block. */
  async decompress(compressed: Buffer, streamId = 0): Promise<SpdyHeaders> {
    let block: Buffer;
    try {
      block = await this.channel.process(compressed);
    } catch (err) {
      if (err instanceof SpdyProtocolError) throw err;
      throw new SpdyProtocolError(`bad compressed header block: ${(err as Error).message}`, streamId, { cause: err });
    }
    return decodeHeaderBlock(block, streamId);
  }

  close(): void {
    this.channel.close();
  }
}
