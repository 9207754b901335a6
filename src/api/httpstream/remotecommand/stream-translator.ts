/**
 * The API server's StreamTranslator (apiserver pkg/util/proxy/
 * streamtranslator.go, websocket.go): kubectl speaks WebSocket v5 (or v4)
 * to us, the kubelet and the runtime only SPDY, so the session is replayed
 * as a SPDY v4 client: streams error, stdin, stdout, stderr (not with a
 * TTY), resize (TTY only); channel 0 feeds stdin, a v5 CLOSE `[0xFF, 0]`
 * half-closes it, channel 4 feeds resize; stdout and stderr come back on
 * channels 1 and 2; once both ended and the error stream did, its Status
 * goes out on channel 3 and the WebSocket closes with 1000.
 */
import type { Duplex } from 'node:stream';
import { PassThrough } from 'node:stream';
import type { WebSocket } from 'ws';
import { SpdyConnection, type SpdyStream } from '../spdy/index.js';
import { Channel, StreamClose, StreamProtocolV5, StreamType, StreamTypeHeader } from './constants.js';
import { internalErrorStatus, parseStatus, statusOf } from './status.js';

export interface TranslateOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
  /** End the session after this long without traffic either way (upstream's 4 h). @default 14400000 */
  idleTimeoutMs?: number;
}

/** Keepalive toward the backend, as upstream's translator (5 s). */
const BACKEND_PING_MS = 5000;
/** Output chunks queued on the WebSocket before the SPDY streams are paused. */
const MAX_PENDING_SENDS = 64;

/**
 * Bridges an accepted client WebSocket (subprotocol v5.channel.k8s.io or
 * v4.channel.k8s.io, already chosen) to a backend socket already upgraded
 * with SPDY/3.1 + v4.channel.k8s.io (the kubelet's). Resolves when both are
 * closed; never rejects.
 *
 * `ws` delivers messages as they arrive whether or not anyone listens: a
 * caller that accepts the WebSocket before the backend is ready must
 * ws.pause() it at once; the translation resumes it.
 */
export function translateRemoteCommand(ws: WebSocket, backend: Duplex, opts: TranslateOptions): Promise<void> {
  return new Translation(ws, backend, opts).run();
}

class Translation {
  private readonly conn: SpdyConnection;
  private readonly v5: boolean;
  private readonly stdin = new PassThrough();
  private readonly resize = new PassThrough();
  private idleTimer: NodeJS.Timeout | undefined;
  private pendingSends = 0;
  private paused: SpdyStream[] = [];
  private finished = false;
  private backendFailure: Error | undefined;

  constructor(private readonly ws: WebSocket, private readonly backend: Duplex, private readonly opts: TranslateOptions) {
    this.conn = new SpdyConnection(backend, { role: 'client', pingIntervalMs: BACKEND_PING_MS });
    this.v5 = ws.protocol === StreamProtocolV5;
    this.conn.on('close', (err) => { this.backendFailure = err; });
  }

  async run(): Promise<void> {
    const wsClosed = new Promise<void>((resolve) => {
      if (this.ws.readyState === this.ws.CLOSED) resolve();
      else this.ws.once('close', () => resolve());
    });
    const backendClosed = new Promise<void>((resolve) => {
      if (this.backend.destroyed) resolve();
      else this.backend.once('close', () => resolve());
    });
    this.ws.on('error', () => undefined);
    this.backend.on('error', () => undefined);
    this.stdin.on('error', () => undefined);
    this.resize.on('error', () => undefined);
    this.ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => this.onMessage(toBuffer(data)));
    // The client went away first: nothing more to say, tear the backend down.
    this.ws.once('close', () => { if (!this.finished) this.abort(); });
    this.ws.resume();
    this.touch();
    this.sendFrame(this.opts.stdout ? Channel.Stdout : this.wantStderr ? Channel.Stderr : Channel.Error, Buffer.alloc(0));

    try {
      const result = await this.stream();
      if (!this.finished) this.finish(statusOf(result));
    } catch (err) {
      if (!this.finished) this.finish(internalErrorStatus((err as Error).message));
    }
    await Promise.all([wsClosed, backendClosed]);
    clearTimeout(this.idleTimer);
  }

  private get wantStderr(): boolean {
    return this.opts.stderr && !this.opts.tty;
  }

  /** Opens the SPDY streams in client-go's order, relays them, and resolves with the error stream's verdict. */
  private async stream(): Promise<ReturnType<typeof parseStatus>> {
    const open = async (type: string): Promise<SpdyStream> => {
      const s = await this.conn.openStream({ [StreamTypeHeader]: type });
      s.on('error', () => undefined);
      if (this.finished) throw new Error('the session ended while its streams were being opened');
      return s;
    };
    const error = await open(StreamType.Error);
    // Only the server writes on the error stream: our side is done at once.
    error.end();
    const errorBytes = collect(error);
    if (this.opts.stdin) {
      const stdin = await open(StreamType.Stdin);
      this.stdin.pipe(stdin);
    }
    const outputs: Array<Promise<void>> = [];
    if (this.opts.stdout) outputs.push(this.relay(await open(StreamType.Stdout), Channel.Stdout));
    if (this.wantStderr) outputs.push(this.relay(await open(StreamType.Stderr), Channel.Stderr));
    if (this.opts.tty) {
      const resize = await open(StreamType.Resize);
      this.resize.pipe(resize);
    }
    await Promise.all(outputs);
    const status = await errorBytes;
    // A broken backend connection is not a silent success (upstream: the executor's error becomes an InternalError).
    if (status.length === 0 && this.backendFailure) throw this.backendFailure;
    return parseStatus(status);
  }

  /** Copies a SPDY output stream to its channel until its FIN (or reset, or the backend's close). */
  private relay(stream: SpdyStream, channel: number): Promise<void> {
    return new Promise((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        this.touch();
        this.sendFrame(channel, chunk);
        if (this.pendingSends > MAX_PENDING_SENDS && !stream.isPaused()) {
          stream.pause();
          this.paused.push(stream);
        }
      });
      stream.once('end', () => resolve());
      stream.once('close', () => resolve());
      if (stream.destroyed || stream.readableEnded) resolve();
    });
  }

  private onMessage(data: Buffer): void {
    this.touch();
    if (this.finished || data.length === 0) return;
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === StreamClose && this.v5) {
      // Exactly one trailing byte naming a known channel; anything else ends the session (wsstream conn.go).
      if (payload.length !== 1) return this.finish(internalErrorStatus(`CLOSE signal with ${payload.length} bytes, expected 1`));
      if (payload[0] === Channel.Stdin && this.opts.stdin) this.stdin.end();
      else if (payload[0] === Channel.Resize && this.opts.tty) this.resize.end();
      else if (!(payload[0] <= Channel.Resize)) return this.finish(internalErrorStatus(`CLOSE signal for unknown channel ${payload[0]}`));
      return;
    }
    const target = channel === Channel.Stdin && this.opts.stdin ? this.stdin : channel === Channel.Resize && this.opts.tty ? this.resize : undefined;
    if (!target || target.writableEnded || payload.length === 0) return;
    if (!target.write(payload)) {
      this.ws.pause();
      target.once('drain', () => this.ws.resume());
    }
  }

  private sendFrame(channel: number, payload: Buffer): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.pendingSends++;
    this.ws.send(Buffer.concat([Buffer.from([channel]), payload]), { binary: true }, () => {
      this.pendingSends--;
      if (this.pendingSends < MAX_PENDING_SENDS / 4) {
        for (const s of this.paused.splice(0)) s.resume();
      }
    });
  }

  /** The status on channel 3, close 1000, then the SPDY connection closes (resetting what is left, GOAWAY). */
  private finish(status: object): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.idleTimer);
    this.sendFrame(Channel.Error, Buffer.from(JSON.stringify(status)));
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(1000);
    this.teardownBackend();
  }

  private abort(): void {
    this.finished = true;
    clearTimeout(this.idleTimer);
    this.teardownBackend();
    if (this.ws.readyState !== this.ws.CLOSED) this.ws.terminate();
  }

  private teardownBackend(): void {
    this.stdin.unpipe();
    this.resize.unpipe();
    void this.conn.close().then(() => this.backend.destroy());
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    const ms = this.opts.idleTimeoutMs ?? 4 * 60 * 60 * 1000;
    this.idleTimer = setTimeout(() => this.finish(internalErrorStatus(`no traffic for ${ms} ms`)), ms);
    this.idleTimer.unref();
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Everything a stream carries until it ends (EOF, reset or the connection's close count as the end). */
function collect(stream: SpdyStream): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const done = (): void => resolve(Buffer.concat(chunks));
    stream.once('end', done);
    stream.once('close', done);
    if (stream.destroyed || stream.readableEnded) done();
  });
}
