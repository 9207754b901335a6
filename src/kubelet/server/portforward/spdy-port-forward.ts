/**
 * Port-forward served by the kubelet itself over SPDY/3.1
 * (`portforward.k8s.io`; upstream pkg/kubelet/cri/streaming/portforward/
 * httpstream.go), instead of relaying to the runtime's streaming server:
 * the bytes then cross one process less. kubectl opens, per forwarded
 * connection, an error stream and a data stream carrying the same
 * `requestid` and `port` headers; once both are there the pair is served:
 * the port is dialled in the pod's network namespace, bytes are copied both
 * ways with half-close (the data stream's FIN ends the pod socket's write
 * side; the pod socket's EOF FINs the data stream), and a failure is
 * written as plain text on the error stream, which kubectl reports. A
 * stream with a bad header is reset; a pair not complete within 30 s gets
 * `timed out waiting for streams` on its error stream.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { writeRawResponse } from '../../../api/httpstream/upgrade-proxy.js';
import { SpdyConnection, type SpdyStream } from '../../../api/httpstream/spdy/index.js';
import {
  AcceptedStreamProtocolVersionsHeader, DefaultStreamCreationTimeoutMs, PortForwardProtocolV1, PortForwardRequestIdHeader,
  PortHeader, SpdyUpgrade, StreamProtocolVersionHeader, StreamTypeHeader,
} from '../../../api/httpstream/remotecommand/constants.js';

/** Where the pod's ports are: dials localhost:port in its network namespace. */
export interface PodDialer {
  dial(port: number): Promise<Socket>;
}

export interface SpdyPortForwardOptions {
  /** `name_namespace` and uid, for error texts. */
  podFullName: string;
  uid: string;
  dialer: PodDialer;
  /** The session closes after this long with no byte either way. */
  idleTimeoutMs: number;
  /** @default DefaultStreamCreationTimeoutMs (30 s) */
  streamCreationTimeoutMs?: number;
}

/** Why a request cannot be upgraded to a SPDY port-forward, or undefined when it can. */
export function spdyPortForwardRefusal(req: IncomingMessage): { status: number; message: string; headers?: Record<string, string> } | undefined {
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (upgrade !== SpdyUpgrade.toLowerCase()) return { status: 400, message: `unable to upgrade: missing upgrade headers in request: ${JSON.stringify(req.headers)}` };
  const offered = offeredProtocols(req);
  if (offered.length === 0) return { status: 400, message: `unable to upgrade: ${StreamProtocolVersionHeader} is required` };
  if (!offered.includes(PortForwardProtocolV1)) {
    return {
      status: 403,
      message: `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${PortForwardProtocolV1}]`,
      headers: { [AcceptedStreamProtocolVersionsHeader]: PortForwardProtocolV1 },
    };
  }
  return undefined;
}

/** True when the request asks for SPDY port-forward (whether or not it can be served). */
export function wantsSpdy(req: IncomingMessage): boolean {
  return String(req.headers.upgrade ?? '').toLowerCase() === SpdyUpgrade.toLowerCase();
}

function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers[StreamProtocolVersionHeader.toLowerCase()];
  return (Array.isArray(raw) ? raw : raw ? [raw] : []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/**
 * Answers 101 on `socket` (the caller checked spdyPortForwardRefusal) and
 * serves the session until either side closes it or it idles out.
 * Resolves then, with every pod socket of the session closed; never rejects.
 */
export function serveSpdyPortForward(socket: Duplex, head: Buffer, o: SpdyPortForwardOptions): Promise<void> {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${SpdyUpgrade}\r\n${StreamProtocolVersionHeader}: ${PortForwardProtocolV1}\r\n\r\n`);
  if (head.length > 0) socket.unshift(head);
  const conn = new SpdyConnection(socket, { role: 'server' });
  const pairs = new Map<string, Pair>();
  const podSockets = new Set<Socket>();
  const creationTimeout = o.streamCreationTimeoutMs ?? DefaultStreamCreationTimeoutMs;
  (socket as Partial<Socket>).setNoDelay?.(true);
  (socket as Partial<Socket>).setTimeout?.(o.idleTimeoutMs, () => socket.destroy());

  const serve = async (p: Pair, port: number): Promise<void> => {
    const data = p.data!;
    const error = p.error!;
    let pod: Socket;
    try {
      pod = await o.dialer.dial(port);
    } catch (e) {
      error.end(`error forwarding port ${port} to pod ${o.podFullName}, uid ${o.uid}: ${(e as Error).message}`);
      data.end();
      return;
    }
    podSockets.add(pod);
    pod.setNoDelay(true);
    // The pod socket and the data stream, both ways, each ending its own direction.
    pod.on('data', (c: Buffer) => { if (!data.write(c)) pod.pause(); });
    data.on('drain', () => pod.resume());
    pod.on('end', () => data.end());
    data.on('data', (c: Buffer) => { if (!pod.write(c)) data.pause(); });
    pod.on('drain', () => data.resume());
    data.on('end', () => pod.end());
    const done = (): void => {
      podSockets.delete(pod);
      pod.destroy();
      error.end();
    };
    pod.on('close', () => { data.end(); done(); });
    pod.on('error', () => undefined);
    data.on('error', () => pod.destroy());
    data.on('close', () => pod.destroy());
    pod.resume();
  };

  conn.on('stream', (stream, headers) => {
    const first = (k: string): string => headers[k]?.[0] ?? '';
    const portText = first(PortHeader);
    const port = Number(portText);
    const type = first(StreamTypeHeader);
    if (!portText || !/^\d+$/.test(portText) || port < 1 || port > 65535 || (type !== 'error' && type !== 'data')) {
      stream.reset();
      return;
    }
    stream.on('error', () => undefined);
    void stream.reply().catch(() => undefined);
    // Old clients send no request id; upstream derives it from the stream ids (data = error + 2).
    const id = first(PortForwardRequestIdHeader) || String(type === 'data' ? stream.id - 2 : stream.id);
    let p = pairs.get(id);
    if (!p) {
      p = { timer: setTimeout(() => {
        pairs.delete(id);
        p!.error?.end('timed out waiting for streams');
        p!.data?.end();
      }, creationTimeout) };
      p.timer.unref();
      pairs.set(id, p);
    }
    if (type === 'error') p.error = stream;
    else p.data = stream;
    if (p.error && p.data) {
      clearTimeout(p.timer);
      pairs.delete(id);
      void serve(p, port);
    }
  });

  return new Promise((resolve) => {
    conn.once('close', () => {
      for (const p of pairs.values()) clearTimeout(p.timer);
      for (const s of podSockets) s.destroy();
      socket.destroy();
      resolve();
    });
  });
}

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}
