/**
 * A SPDY/3.1 connection over any Duplex (a TCP or TLS socket after the
 * HTTP upgrade, or a Duplex over WebSocket payloads), as moby/spdystream
 * connection.go runs it for every Go peer: streams opened with SYN_STREAM
 * and accepted with SYN_REPLY, PINGs echoed, GOAWAY on close. There is no
 * flow control: Go peers send no WINDOW_UPDATE, so nothing ever waits for
 * window credit, and SETTINGS/WINDOW_UPDATE are read and ignored.
 */
import { EventEmitter, once } from 'node:events';
import type { Duplex } from 'node:stream';
import { dataFrameHeader, FrameParser, GoAwayStatus, RstStatus, SpdyProtocolError, serializeFrame, type Frame } from './frames.js';
import { HeaderCompressor, HeaderDecompressor, type OutgoingSpdyHeaders, type SpdyHeaders } from './header-block.js';
import { SpdyStream, SpdyStreamResetError, type StreamSink } from './stream.js';

export type SpdyRole = 'client' | 'server';

export interface SpdyConnectionOptions {
  /** Client streams and pings have odd ids, the server's even ones. */
  role: SpdyRole;
  /** How long openStream waits for the SYN_REPLY (upstream's 30 s). @default 30000 */
  streamReplyTimeoutMs?: number;
  /** Send a PING this often, in ms, to keep proxies and idle timers awake; 0 sends none. @default 0 */
  pingIntervalMs?: number;
  /** How long close() waits for its last frames to be flushed before destroying the socket. @default 2000 */
  closeTimeoutMs?: number;
}

/** The connection ended before a stream was accepted, or was going away. */
export class SpdyConnectionClosedError extends Error {
  override readonly name = 'SpdyConnectionClosedError';
}

export interface SpdyConnectionEvents {
  /** The peer opened a stream; call stream.reply() to accept it or stream.reset() to refuse it. */
  stream: [stream: SpdyStream, headers: SpdyHeaders];
  /** The peer sent GOAWAY: no new streams; open ones go on. */
  goaway: [lastGoodStreamId: number, status: number];
  /**
   * The connection is over; `err` is set when it failed (bad frame, socket
   * error). Emitted once. Open streams see EOF either way (as with Go's
   * spdystream), so this is where a truncated session shows.
   */
  close: [err: Error | undefined];
}

interface PendingOpen {
  stream: SpdyStream;
  resolve: (s: SpdyStream) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class SpdyConnection extends EventEmitter<SpdyConnectionEvents> {
  readonly role: SpdyRole;
  private readonly socket: Duplex;
  private readonly parser = new FrameParser();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly pendingOpens = new Map<number, PendingOpen>();
  private readonly pendingPings = new Map<number, { resolve: (ms: number) => void; reject: (err: Error) => void; sent: number }>();
  private readonly replyTimeoutMs: number;
  private readonly closeTimeoutMs: number;
  private nextStreamId: number;
  private nextPingId: number;
  private lastPeerStreamId = 0;
  private inbound: Promise<void> = Promise.resolve();
  private outbound: Promise<void> = Promise.resolve();
  /** Frames queued behind `outbound` and not yet written. */
  private queued = 0;
  private pingTimer: NodeJS.Timeout | undefined;
  private goingAway = false;
  private peerGoingAway = false;
  private ended: { err: Error | undefined } | undefined;
  private closing: Promise<void> | undefined;
  private readonly sink: StreamSink;

  constructor(socket: Duplex, opts: SpdyConnectionOptions) {
    super();
    this.role = opts.role;
    this.socket = socket;
    this.replyTimeoutMs = opts.streamReplyTimeoutMs ?? 30_000;
    this.closeTimeoutMs = opts.closeTimeoutMs ?? 2000;
    this.nextStreamId = opts.role === 'client' ? 1 : 2;
    this.nextPingId = opts.role === 'client' ? 1 : 2;
    this.sink = {
      sendData: (id, data, fin) => this.sendData(id, data, fin),
      sendReply: (id, headers) => this.enqueue(async () => ({ type: 'syn_reply', streamId: id, fin: false, headerBlock: await this.compressor.compress(headers) })),
      sendReset: (id, status) => { this.enqueue(() => ({ type: 'rst_stream', streamId: id, status })).catch(() => undefined); },
      forget: (id) => {
        this.streams.delete(id);
        this.settleOpen(id, new SpdyConnectionClosedError(`stream ${id} was closed before its SYN_REPLY`));
      },
    };
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.once('end', () => this.afterInbound(() => this.finish(undefined)));
    socket.once('close', () => this.afterInbound(() => this.finish(undefined)));
    // Once the peer went away, a failed write (EPIPE, ECONNRESET) is just the end of the connection.
    socket.on('error', (err: Error) => this.finish(this.peerGoingAway ? undefined : err));
    if (opts.pingIntervalMs) {
      this.pingTimer = setInterval(() => { this.ping().catch(() => undefined); }, opts.pingIntervalMs);
      this.pingTimer.unref();
    }
  }

  /** True once the connection has ended (closed, failed or destroyed). */
  get closed(): boolean {
    return this.ended !== undefined;
  }

  /**
   * Opens a stream with SYN_STREAM and resolves once the peer's SYN_REPLY
   * arrives. Rejects with SpdyStreamResetError when the peer resets it, and
   * with SpdyConnectionClosedError when the connection ends or goes away
   * first or no reply comes within the timeout (the stream is then reset).
   */
  openStream(headers: OutgoingSpdyHeaders): Promise<SpdyStream> {
    if (this.ended || this.goingAway || this.peerGoingAway) {
      return Promise.reject(new SpdyConnectionClosedError('SPDY connection is closed or going away'));
    }
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const names: SpdyHeaders = {};
    for (const [k, v] of Object.entries(headers)) names[k.toLowerCase()] = typeof v === 'string' ? [v] : [...v];
    const stream = new SpdyStream(this.sink, id, names, 'local');
    this.streams.set(id, stream);
    return new Promise<SpdyStream>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingOpens.delete(id);
        stream.reset();
        reject(new SpdyConnectionClosedError(`Timeout occurred: no SYN_REPLY for stream ${id} within ${this.replyTimeoutMs} ms`));
      }, this.replyTimeoutMs);
      this.pendingOpens.set(id, { stream, resolve, reject, timer });
      this.enqueue(async () => ({
        type: 'syn_stream', streamId: id, associatedToStreamId: 0, priority: 0, fin: false, unidirectional: false,
        headerBlock: await this.compressor.compress(headers),
      })).catch((err: Error) => this.settleOpen(id, err));
    });
  }

  /** Sends a PING and resolves with the round trip in ms; rejects if the connection ends or no echo comes within `timeoutMs`. */
  ping(timeoutMs = 30_000): Promise<number> {
    if (this.ended) return Promise.reject(new SpdyConnectionClosedError('SPDY connection is closed'));
    const id = this.nextPingId;
    this.nextPingId = (this.nextPingId + 2) % 0x100000000 || (this.role === 'client' ? 1 : 2);
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingPings.delete(id);
        reject(new Error(`no PING echo within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.pendingPings.set(id, {
        resolve: (ms) => { clearTimeout(timer); resolve(ms); },
        reject: (err) => { clearTimeout(timer); reject(err); },
        sent: Date.now(),
      });
      this.enqueue(() => ({ type: 'ping', id })).catch((err: Error) => this.pendingPings.get(id)?.reject(err));
    });
  }

  /**
   * Ends the connection the way upstream does: every stream whose write side
   * is still open is reset (CANCEL), then GOAWAY, then the socket is ended
   * and destroyed once flushed (after closeTimeoutMs at the latest);
   * resolves once it is closed. Queued frames go out before the resets.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.goingAway = true;
    this.closing = (async () => {
      if (!this.ended) {
        for (const stream of [...this.streams.values()]) {
          if (!stream.writableFinished && !stream.writableEnded) stream.reset();
        }
        await this.enqueue(() => ({ type: 'goaway', lastGoodStreamId: this.lastPeerStreamId, status: GoAwayStatus.Ok })).catch(() => undefined);
      }
      // Like spdystream, do not wait for the peer to close too (containerd keeps port-forward connections open):
      // flush, end, destroy.
      if (!this.socket.destroyed) {
        const timer = setTimeout(() => this.socket.destroy(), this.closeTimeoutMs);
        const closed = once(this.socket, 'close').catch(() => undefined);
        this.socket.end(() => this.socket.destroy());
        await closed;
        clearTimeout(timer);
      }
      this.finish(undefined);
    })();
    return this.closing;
  }

  /** Ends the connection at once: the socket is destroyed, open streams see EOF, 'close' carries `err`. */
  destroy(err?: Error): void {
    this.finish(err);
  }

  private receive(chunk: Buffer): void {
    if (this.ended) return;
    let frames: Frame[];
    try {
      frames = this.parser.push(chunk);
    } catch (err) {
      this.protocolError(err as Error);
      return;
    }
    for (const frame of frames) this.afterInbound(() => this.handle(frame));
  }

  /** Runs `step` after every frame received so far was handled (header blocks inflate asynchronously). */
  private afterInbound(step: () => void | Promise<void>): void {
    this.inbound = this.inbound.then(() => (this.ended ? undefined : step())).catch((err: Error) => this.protocolError(err));
  }

  private async handle(frame: Frame): Promise<void> {
    switch (frame.type) {
      case 'data':
        this.streams.get(frame.streamId)?.receiveData(frame.data, frame.fin);
        return;
      case 'syn_stream': {
        const headers = await this.decompressor.decompress(frame.headerBlock, frame.streamId);
        return this.acceptStream(frame.streamId, headers, frame.fin);
      }
      case 'syn_reply': {
        await this.decompressor.decompress(frame.headerBlock, frame.streamId);
        this.settleOpen(frame.streamId);
        if (frame.fin) this.streams.get(frame.streamId)?.receiveFin();
        return;
      }
      case 'headers': {
        await this.decompressor.decompress(frame.headerBlock, frame.streamId);
        if (frame.fin) this.streams.get(frame.streamId)?.receiveFin();
        return;
      }
      case 'rst_stream':
        this.settleOpen(frame.streamId, new SpdyStreamResetError(frame.streamId, frame.status));
        this.streams.get(frame.streamId)?.receiveReset(frame.status);
        return;
      case 'ping':
        if ((frame.id % 2 === 1) === (this.role === 'client')) {
          const pending = this.pendingPings.get(frame.id);
          this.pendingPings.delete(frame.id);
          pending?.resolve(Date.now() - pending.sent);
        } else {
          this.enqueue(() => ({ type: 'ping', id: frame.id })).catch(() => undefined);
        }
        return;
      case 'goaway':
        this.peerGoingAway = true;
        for (const id of [...this.pendingOpens.keys()]) {
          if (id > frame.lastGoodStreamId) this.settleOpen(id, new SpdyConnectionClosedError(`peer went away before stream ${id} was accepted`));
        }
        this.emit('goaway', frame.lastGoodStreamId, frame.status);
        return;
      case 'settings':
      case 'window_update':
        return;
    }
  }

  private acceptStream(id: number, headers: SpdyHeaders, fin: boolean): void {
    const peerIdsOdd = this.role === 'server';
    if ((id % 2 === 1) !== peerIdsOdd || id <= this.lastPeerStreamId) {
      this.sink.sendReset(id, RstStatus.ProtocolError);
      return;
    }
    this.lastPeerStreamId = id;
    if (this.goingAway || this.listenerCount('stream') === 0) {
      this.sink.sendReset(id, RstStatus.RefusedStream);
      return;
    }
    const stream = new SpdyStream(this.sink, id, headers, 'remote');
    this.streams.set(id, stream);
    if (fin) stream.receiveFin();
    this.emit('stream', stream, headers);
  }

  private settleOpen(id: number, err?: Error): void {
    const pending = this.pendingOpens.get(id);
    if (!pending) return;
    this.pendingOpens.delete(id);
    clearTimeout(pending.timer);
    if (err) {
      this.streams.delete(id);
      pending.stream.destroy();
      pending.reject(err);
    } else {
      pending.resolve(pending.stream);
    }
  }

  /**
   * A DATA frame. With nothing queued it is written at once, header and
   * payload as one corked write and no copy (the hot path of every
   * transfer); otherwise it queues behind the frames before it.
   */
  private sendData(id: number, data: Buffer, fin: boolean): Promise<void> {
    if (this.queued > 0) return this.enqueue(() => ({ type: 'data', streamId: id, fin, data }));
    if (this.ended || this.socket.destroyed || !this.socket.writable) return Promise.reject(new SpdyConnectionClosedError('SPDY connection is closed'));
    this.socket.cork();
    this.socket.write(dataFrameHeader(id, fin, data.length));
    const ok = this.socket.write(data);
    this.socket.uncork();
    return ok ? Promise.resolve() : this.drained();
  }

  /** Queues one frame; frames leave in queue order, and header blocks are compressed in that order too. */
  private enqueue(make: () => Frame | Promise<Frame>): Promise<void> {
    this.queued++;
    const p = this.outbound.then(async () => {
      try {
        if (this.ended || this.socket.destroyed || !this.socket.writable) throw new SpdyConnectionClosedError('SPDY connection is closed');
        const bytes = serializeFrame(await make());
        if (!this.socket.write(bytes)) await this.drained();
      } finally {
        this.queued--;
      }
    });
    this.outbound = p.catch(() => undefined);
    return p;
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private protocolError(err: Error): void {
    if (this.ended) return;
    const wrapped = err instanceof SpdyProtocolError ? err : new SpdyProtocolError(err.message, 0, { cause: err });
    // Best effort: tell the peer why before the socket goes.
    if (!this.socket.destroyed && this.socket.writable) {
      this.socket.write(serializeFrame({ type: 'goaway', lastGoodStreamId: this.lastPeerStreamId, status: GoAwayStatus.ProtocolError }));
    }
    this.finish(wrapped);
  }

  private finish(err: Error | undefined): void {
    if (this.ended) return;
    this.ended = { err };
    clearInterval(this.pingTimer);
    for (const id of [...this.pendingOpens.keys()]) {
      this.settleOpen(id, new SpdyConnectionClosedError(`SPDY connection closed before stream ${id} was accepted`, { cause: err }));
    }
    for (const p of this.pendingPings.values()) p.reject(new SpdyConnectionClosedError('SPDY connection closed', { cause: err }));
    this.pendingPings.clear();
    for (const stream of [...this.streams.values()]) stream.connectionClosed(err);
    this.streams.clear();
    this.compressor.close();
    this.decompressor.close();
    if (err) this.socket.destroy();
    else if (!this.socket.destroyed) this.socket.end(() => this.socket.destroy());
    this.emit('close', err);
  }
}

export { SpdyStream, SpdyStreamResetError } from './stream.js';
