/**
 * One gRPC channel to a runtime's unix socket, shared by every service on
 * it (CRI RuntimeService and ImageService, containerd's own services).
 * Every call has a deadline unless the caller asks for none; every failure
 * is a GrpcError.
 */
import * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { messageCodec, type MessageCodec } from './codec.js';
import { toGrpcError } from './errors.js';
import { grpcTarget } from './endpoint.js';

/** A method of a service: its path and the codecs of both sides. */
export interface Method<Req, Res> {
  path: string;
  request: MessageCodec<Req>;
  response: MessageCodec<Res>;
}

/** Looks `method` up in `service` (fully qualified, e.g. runtime.v1.RuntimeService). */
export function method<Req, Res>(root: protobuf.Root, service: string, name: string): Method<Req, Res> {
  const m = root.lookupService(service).methods[name];
  if (!m) throw new Error(`${service} has no method ${name}`);
  m.resolve();
  const reqType = m.resolvedRequestType?.fullName.replace(/^\./, '') ?? m.requestType;
  const resType = m.resolvedResponseType?.fullName.replace(/^\./, '') ?? m.responseType;
  return { path: `/${service}/${name}`, request: messageCodec<Req>(root, reqType), response: messageCodec<Res>(root, resType) };
}

export interface CallOptions {
  /** Deadline from now, in ms; 0 means none. @default the connection's timeoutMs */
  timeoutMs?: number;
  /** gRPC metadata sent with the call (e.g. containerd-namespace). */
  metadata?: Record<string, string>;
}

export interface ConnectionOptions {
  /** Deadline of calls that set none. @default 120000 (the kubelet's --runtime-request-timeout) */
  timeoutMs?: number;
  /** Largest message each way. @default 16 MiB, as containerd */
  maxMessageBytes?: number;
}

/**
 * A bidirectional stream where every request gets exactly one response
 * (containerd's Content/Write). A failed stream fails every later send.
 */
export interface LockstepStream<Req, Res> {
  /** Sends one request and resolves with its response. Not concurrent: await each. */
  send(req: Req): Promise<Res>;
  /** Half-closes the stream and waits for the server to end it. */
  close(): Promise<void>;
  /** Cancels the call (no-op once ended). */
  cancel(): void;
}

export class GrpcConnection {
  readonly socketPath: string;
  private readonly client: grpc.Client;
  private readonly timeoutMs: number;

  constructor(socketPath: string, opts: ConnectionOptions = {}) {
    this.socketPath = socketPath;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    const max = opts.maxMessageBytes ?? 16 * 1024 * 1024;
    this.client = new grpc.Client(grpcTarget(socketPath), grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': max,
      'grpc.max_send_message_length': max,
      // A restarted runtime should be reached again quickly.
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 2000,
    });
  }

  /** One request, one response. Rejects with GrpcError. */
  unary<Req, Res>(m: Method<Req, Res>, req: Req, opts: CallOptions = {}): Promise<Res> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(m.path, m.request.serialize, m.response.deserialize, req,
        toMetadata(opts.metadata), this.callOptions(opts), (err, res) => {
          if (err) reject(toGrpcError(m.path, err));
          else if (res === undefined) reject(toGrpcError(m.path, new Error('empty response')));
          else resolve(res);
        });
    });
  }

  /** Opens a bidirectional stream used in lockstep. */
  lockstep<Req, Res>(m: Method<Req, Res>, opts: CallOptions = {}): LockstepStream<Req, Res> {
    const call = this.client.makeBidiStreamRequest(m.path, m.request.serialize, m.response.deserialize,
      toMetadata(opts.metadata), this.callOptions(opts));
    let failure: Error | undefined;
    let waiting: { resolve: (r: Res) => void; reject: (e: Error) => void } | undefined;
    let ended = false;
    const endWaiters: Array<() => void> = [];
    const finish = (): void => { ended = true; for (const w of endWaiters.splice(0)) w(); };
    call.on('data', (res: Res) => {
      const w = waiting;
      waiting = undefined;
      w?.resolve(res);
    });
    call.on('error', (err) => {
      failure = toGrpcError(m.path, err);
      waiting?.reject(failure);
      waiting = undefined;
      finish();
    });
    call.on('end', () => {
      if (waiting) {
        failure ??= toGrpcError(m.path, new Error('stream ended before the response'));
        waiting.reject(failure);
        waiting = undefined;
      }
      finish();
    });
    return {
      send: (req) => new Promise<Res>((resolve, reject) => {
        if (failure) { reject(failure); return; }
        if (ended) { reject(toGrpcError(m.path, new Error('stream already ended'))); return; }
        if (waiting) { reject(new Error(`${m.path}: send while a response is pending`)); return; }
        waiting = { resolve, reject };
        call.write(req);
      }),
      close: () => new Promise<void>((resolve, reject) => {
        if (ended) { if (failure) reject(failure); else resolve(); return; }
        endWaiters.push(() => { if (failure) reject(failure); else resolve(); });
        call.end();
      }),
      cancel: () => { if (!ended) call.cancel(); },
    };
  }

  /** Closes the channel; calls in flight fail with Canceled or Unavailable. */
  close(): void {
    this.client.close();
  }

  private callOptions(opts: CallOptions): grpc.CallOptions {
    const ms = opts.timeoutMs ?? this.timeoutMs;
    return ms > 0 ? { deadline: Date.now() + ms } : {};
  }
}

function toMetadata(md: Record<string, string> | undefined): grpc.Metadata {
  const out = new grpc.Metadata();
  for (const [k, v] of Object.entries(md ?? {})) out.set(k, v);
  return out;
}
