/**
 * SPDY/3 frames on the wire (the framing of moby/spdystream spdy/types.go,
 * read.go, write.go, which every Go peer uses): an incremental parser (bytes
 * in, frames out) and a serializer. Header blocks stay compressed here; see
 * header-block.ts.
 */

export const SPDY_VERSION = 3;

/** Control frame types of SPDY/3 (NOOP and CREDENTIAL are not used by any Go peer). */
export const ControlType = {
  SynStream: 1,
  SynReply: 2,
  RstStream: 3,
  Settings: 4,
  Ping: 6,
  GoAway: 7,
  Headers: 8,
  WindowUpdate: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes. */
export const RstStatus = {
  ProtocolError: 1,
  InvalidStream: 2,
  RefusedStream: 3,
  UnsupportedVersion: 4,
  Cancel: 5,
  InternalError: 6,
  FlowControlError: 7,
  StreamInUse: 8,
  StreamAlreadyClosed: 9,
  FrameTooLarge: 11,
} as const;

/** GOAWAY status codes. */
export const GoAwayStatus = { Ok: 0, ProtocolError: 1, InternalError: 2 } as const;

/** The largest payload a frame can carry (24-bit length). */
export const MAX_FRAME_PAYLOAD = 0xffffff;

export interface DataFrame { type: 'data'; streamId: number; fin: boolean; data: Buffer }
export interface SynStreamFrame {
  type: 'syn_stream'; streamId: number; associatedToStreamId: number; priority: number;
  fin: boolean; unidirectional: boolean; headerBlock: Buffer;
}
export interface SynReplyFrame { type: 'syn_reply'; streamId: number; fin: boolean; headerBlock: Buffer }
export interface RstStreamFrame { type: 'rst_stream'; streamId: number; status: number }
export interface SettingsFrame { type: 'settings'; settings: Array<{ flags: number; id: number; value: number }> }
export interface PingFrame { type: 'ping'; id: number }
export interface GoAwayFrame { type: 'goaway'; lastGoodStreamId: number; status: number }
export interface HeadersFrame { type: 'headers'; streamId: number; fin: boolean; headerBlock: Buffer }
export interface WindowUpdateFrame { type: 'window_update'; streamId: number; deltaWindowSize: number }

export type Frame =
  | DataFrame | SynStreamFrame | SynReplyFrame | RstStreamFrame | SettingsFrame
  | PingFrame | GoAwayFrame | HeadersFrame | WindowUpdateFrame;

/** A frame (or bytes) that breaks SPDY/3: the connection cannot go on. */
export class SpdyProtocolError extends Error {
  override readonly name = 'SpdyProtocolError';
  /** The stream the frame was about, 0 for the connection. */
  readonly streamId: number;
  constructor(message: string, streamId = 0, options?: ErrorOptions) {
    super(message, options);
    this.streamId = streamId;
  }
}

const HEADER_BYTES = 8;

/**
 * Turns a byte stream into frames. Chunks may split frames anywhere and
 * carry several. Control frames of unknown type are skipped, as SPDY/3
 * requires; a bad frame throws SpdyProtocolError and the parser is then
 * unusable (the connection must end).
 */
export class FrameParser {
  private chunks: Buffer[] = [];
  private length = 0;
  private failed: SpdyProtocolError | undefined;

  /** Adds bytes and returns every frame they complete, in order. */
  push(chunk: Buffer): Frame[] {
    if (this.failed) throw this.failed;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.length += chunk.length;
    }
    const frames: Frame[] = [];
    try {
      for (;;) {
        if (this.length < HEADER_BYTES) break;
        const head = this.peek(HEADER_BYTES);
        const total = HEADER_BYTES + (head.readUInt32BE(4) & 0xffffff);
        if (this.length < total) break;
        const bytes = this.take(total);
        const frame = parseFrame(bytes);
        if (frame) frames.push(frame);
      }
    } catch (err) {
      this.failed = err instanceof SpdyProtocolError ? err : new SpdyProtocolError(String(err), 0, { cause: err });
      throw this.failed;
    }
    return frames;
  }

  /** Bytes received but not yet a whole frame. */
  get buffered(): number {
    return this.length;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length < n) {
      let count = 0;
      for (let have = 0; have < n; count++) have += this.chunks[count].length;
      this.chunks.splice(0, count, Buffer.concat(this.chunks.slice(0, count)));
    }
    return this.chunks[0].subarray(0, n);
  }

  private take(n: number): Buffer {
    const first = this.peek(n);
    const rest = this.chunks[0].subarray(n);
    if (rest.length > 0) this.chunks[0] = rest;
    else this.chunks.shift();
    this.length -= n;
    return first;
  }
}

function parseFrame(b: Buffer): Frame | undefined {
  const word = b.readUInt32BE(0);
  const flags = b[4];
  const payload = b.subarray(HEADER_BYTES);
  if ((word & 0x80000000) === 0) {
    const streamId = word & 0x7fffffff;
    if (streamId === 0) throw new SpdyProtocolError('DATA frame on stream 0');
    return { type: 'data', streamId, fin: (flags & FLAG_FIN) !== 0, data: payload };
  }
  const version = (word >>> 16) & 0x7fff;
  if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
  const type = word & 0xffff;
  const need = (n: number, what: string): void => {
    if (payload.length < n) throw new SpdyProtocolError(`${what} frame of ${payload.length} bytes, needs at least ${n}`);
  };
  const streamIdAt = (offset: number, what: string): number => {
    const id = payload.readUInt32BE(offset) & 0x7fffffff;
    if (id === 0) throw new SpdyProtocolError(`${what} frame on stream 0`);
    return id;
  };
  switch (type) {
    case ControlType.SynStream:
      need(10, 'SYN_STREAM');
      return {
        type: 'syn_stream', streamId: streamIdAt(0, 'SYN_STREAM'), associatedToStreamId: payload.readUInt32BE(4) & 0x7fffffff,
        priority: payload[8] >> 5, fin: (flags & FLAG_FIN) !== 0, unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0,
        headerBlock: payload.subarray(10),
      };
    case ControlType.SynReply:
      need(4, 'SYN_REPLY');
      return { type: 'syn_reply', streamId: streamIdAt(0, 'SYN_REPLY'), fin: (flags & FLAG_FIN) !== 0, headerBlock: payload.subarray(4) };
    case ControlType.Headers:
      need(4, 'HEADERS');
      return { type: 'headers', streamId: streamIdAt(0, 'HEADERS'), fin: (flags & FLAG_FIN) !== 0, headerBlock: payload.subarray(4) };
    case ControlType.RstStream: {
      exact(payload, 8, 'RST_STREAM');
      const status = payload.readUInt32BE(4);
      if (status === 0) throw new SpdyProtocolError('RST_STREAM with status 0', payload.readUInt32BE(0) & 0x7fffffff);
      return { type: 'rst_stream', streamId: streamIdAt(0, 'RST_STREAM'), status };
    }
    case ControlType.Settings: {
      need(4, 'SETTINGS');
      const count = payload.readUInt32BE(0);
      if (payload.length !== 4 + 8 * count) throw new SpdyProtocolError(`SETTINGS frame of ${payload.length} bytes for ${count} entries`);
      const settings = [];
      for (let i = 0; i < count; i++) {
        const idWord = payload.readUInt32BE(4 + 8 * i);
        settings.push({ flags: idWord >>> 24, id: idWord & 0xffffff, value: payload.readUInt32BE(8 + 8 * i) });
      }
      return { type: 'settings', settings };
    }
    case ControlType.Ping:
      exact(payload, 4, 'PING');
      return { type: 'ping', id: payload.readUInt32BE(0) };
    case ControlType.GoAway:
      exact(payload, 8, 'GOAWAY');
      return { type: 'goaway', lastGoodStreamId: payload.readUInt32BE(0) & 0x7fffffff, status: payload.readUInt32BE(4) };
    case ControlType.WindowUpdate:
      exact(payload, 8, 'WINDOW_UPDATE');
      return { type: 'window_update', streamId: payload.readUInt32BE(0) & 0x7fffffff, deltaWindowSize: payload.readUInt32BE(4) & 0x7fffffff };
    default:
      return undefined;
  }
}

function exact(payload: Buffer, n: number, what: string): void {
  if (payload.length !== n) throw new SpdyProtocolError(`${what} frame of ${payload.length} bytes, must be ${n}`);
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new RangeError(`control frame payload of ${payload.length} bytes exceeds ${MAX_FRAME_PAYLOAD}`);
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out.writeUInt32BE((0x8000 | SPDY_VERSION) * 0x10000 + type, 0);
  out.writeUInt32BE(flags * 0x1000000 + payload.length, 4);
  payload.copy(out, HEADER_BYTES);
  return out;
}

function words(...values: number[]): Buffer {
  const b = Buffer.allocUnsafe(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, 4 * i));
  return b;
}

/** The bytes of one frame. Throws RangeError when a payload exceeds 24 bits of length. */
/** The 8 bytes that precede a DATA frame's payload of `length` bytes. */
export function dataFrameHeader(streamId: number, fin: boolean, length: number): Buffer {
  if (length > MAX_FRAME_PAYLOAD) throw new RangeError(`DATA payload of ${length} bytes exceeds ${MAX_FRAME_PAYLOAD}`);
  return words(streamId & 0x7fffffff, (fin ? FLAG_FIN : 0) * 0x1000000 + length);
}

export function serializeFrame(frame: Frame): Buffer {
  switch (frame.type) {
    case 'data':
      return Buffer.concat([dataFrameHeader(frame.streamId, frame.fin, frame.data.length), frame.data]);
    case 'syn_stream': {
      const fixed = Buffer.alloc(10);
      fixed.writeUInt32BE(frame.streamId & 0x7fffffff, 0);
      fixed.writeUInt32BE(frame.associatedToStreamId & 0x7fffffff, 4);
      fixed[8] = (frame.priority & 0x7) << 5;
      const flags = (frame.fin ? FLAG_FIN : 0) | (frame.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
      return controlFrame(ControlType.SynStream, flags, Buffer.concat([fixed, frame.headerBlock]));
    }
    case 'syn_reply':
      return controlFrame(ControlType.SynReply, frame.fin ? FLAG_FIN : 0, Buffer.concat([words(frame.streamId & 0x7fffffff), frame.headerBlock]));
    case 'headers':
      return controlFrame(ControlType.Headers, frame.fin ? FLAG_FIN : 0, Buffer.concat([words(frame.streamId & 0x7fffffff), frame.headerBlock]));
    case 'rst_stream':
      return controlFrame(ControlType.RstStream, 0, words(frame.streamId & 0x7fffffff, frame.status));
    case 'settings':
      return controlFrame(ControlType.Settings, 0, words(frame.settings.length,
        ...frame.settings.flatMap((s) => [(s.flags & 0xff) * 0x1000000 + (s.id & 0xffffff), s.value])));
    case 'ping':
      return controlFrame(ControlType.Ping, 0, words(frame.id));
    case 'goaway':
      return controlFrame(ControlType.GoAway, 0, words(frame.lastGoodStreamId & 0x7fffffff, frame.status));
    case 'window_update':
      return controlFrame(ControlType.WindowUpdate, 0, words(frame.streamId & 0x7fffffff, frame.deltaWindowSize & 0x7fffffff));
  }
}
