/**
 * One SPDY stream as a Node Duplex (moby/spdystream stream.go): writes go
 * out as DATA frames, end() sends an empty DATA frame with FIN, the peer's
 * FIN ends the readable side. As in the Go library, a RST_STREAM from the
 * peer or the end of the connection (clean or not: the connection's
 * 'close' event tells) ends the readable side like EOF; writes after that
 * fail.
 */
import { Duplex } from 'node:stream';
import { RstStatus } from './frames.js';
import type { OutgoingSpdyHeaders, SpdyHeaders } from './header-block.js';

/** A write or reply on a stream the peer reset. */
export class SpdyStreamResetError extends Error {
  override readonly name = 'SpdyStreamResetError';
  constructor(readonly streamId: number, readonly status: number) {
    super(`SPDY stream ${streamId} was reset (status ${status})`);
  }
}

/** What a stream needs from its connection. */
export interface StreamSink {
  sendData(streamId: number, data: Buffer, fin: boolean): Promise<void>;
  sendReply(streamId: number, headers: OutgoingSpdyHeaders): Promise<void>;
  sendReset(streamId: number, status: number): void;
  /** The stream has no more use for its id. */
  forget(streamId: number): void;
}

/** Largest DATA payload sent in one frame. */
const MAX_DATA_FRAME = 64 * 1024;

export class SpdyStream extends Duplex {
  /** The stream id: odd when the client opened it, even when the server did. */
  readonly id: number;
  /** The headers of the SYN_STREAM that opened the stream (ours or the peer's). */
  readonly headers: SpdyHeaders;
  /** The status of the RST_STREAM that ended the stream, from either side. */
  resetStatus: number | undefined;
  private remoteFin = false;
  private localFin = false;
  private replied = false;
  private connectionGone: Error | undefined;

  constructor(private readonly sink: StreamSink, id: number, headers: SpdyHeaders, readonly opened: 'local' | 'remote') {
    super({ allowHalfOpen: true, writableHighWaterMark: 256 * 1024 });
    this.id = id;
    this.headers = headers;
  }

  /**
   * Accepts a stream the peer opened with SYN_REPLY (an empty header block
   * unless given). Must be called once, before the peer's open timeout
   * (30 s for Go clients). Data written before the reply goes out after it.
   */
  reply(headers: OutgoingSpdyHeaders = {}): Promise<void> {
    if (this.opened !== 'remote') return Promise.reject(new Error(`stream ${this.id} was opened locally; only the peer replies`));
    if (this.replied) return Promise.reject(new Error(`stream ${this.id} was already replied to`));
    this.replied = true;
    return this.sink.sendReply(this.id, headers);
  }

  /** Sends RST_STREAM (CANCEL unless given) and destroys the stream; the readable side ends as it is. */
  reset(status: number = RstStatus.Cancel): void {
    if (this.resetStatus === undefined && !this.connectionGone && !(this.localFin && this.remoteFin)) {
      this.resetStatus = status;
      this.sink.sendReset(this.id, status);
    }
    this.sink.forget(this.id);
    this.destroy();
  }

  /** @internal The peer's DATA. */
  receiveData(data: Buffer, fin: boolean): void {
    if (this.remoteFin) return;
    if (data.length > 0) this.push(data);
    if (fin) this.receiveFin();
  }

  /** @internal The peer's FIN. */
  receiveFin(): void {
    if (this.remoteFin) return;
    this.remoteFin = true;
    this.push(null);
    if (this.localFin) this.sink.forget(this.id);
  }

  /** @internal The peer's RST_STREAM: EOF for the reader, writes fail. */
  receiveReset(status: number): void {
    this.resetStatus ??= status;
    this.sink.forget(this.id);
    this.emit('reset', status);
    if (!this.remoteFin) {
      this.remoteFin = true;
      this.push(null);
    }
  }

  /** @internal The connection ended: EOF for the reader; writes fail with `err` (or "closed"). */
  connectionClosed(err: Error | undefined): void {
    this.connectionGone = err ?? new Error('SPDY connection closed');
    if (!this.remoteFin) {
      this.remoteFin = true;
      this.push(null);
    }
  }

  override _read(): void {
    // No flow control: data is pushed as it arrives (Go peers send no WINDOW_UPDATE).
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const dead = this.writeBlocker();
    if (dead) return cb(dead);
    const frames: Buffer[] = [];
    for (let at = 0; at < chunk.length; at += MAX_DATA_FRAME) frames.push(chunk.subarray(at, at + MAX_DATA_FRAME));
    Promise.all(frames.map((f) => this.sink.sendData(this.id, f, false))).then(() => cb(), (err: Error) => cb(err));
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.localFin || this.writeBlocker()) {
      this.localFin = true;
      return cb();
    }
    this.localFin = true;
    this.sink.sendData(this.id, Buffer.alloc(0), true).then(() => {
      if (this.remoteFin) this.sink.forget(this.id);
      cb();
    }, () => cb());
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.localFin || !this.remoteFin) {
      if (this.resetStatus === undefined && !this.connectionGone) {
        this.resetStatus = RstStatus.Cancel;
        this.sink.sendReset(this.id, RstStatus.Cancel);
      }
    }
    this.sink.forget(this.id);
    cb(err);
  }

  private writeBlocker(): Error | undefined {
    if (this.resetStatus !== undefined) return new SpdyStreamResetError(this.id, this.resetStatus);
    return this.connectionGone;
  }
}
