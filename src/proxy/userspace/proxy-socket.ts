/**
 * The userspace proxy's listening sockets (upstream's
 * pkg/proxy/userspace/proxysocket.go): one per service port, on
 * `bindAddress` and a port the kernel picks (or a given one).
 *
 * TCP: each accepted connection is dialled to an endpoint from the load
 * balancer, with timeouts 250 ms, 500 ms, 1 s, 2 s; after a failed dial the
 * client's affinity is reset and the next endpoint tried. The client is
 * not read until its endpoint answers. Bytes are copied both ways with
 * backpressure (see relayReader: reads of up to 2 MiB into buffers handed
 * to the writes, not libuv's 64 KiB buffer per read through the stream
 * machinery: half the CPU per byte). Half-closes pass through and both
 * sockets close once both directions are done, so no byte written is lost
 * (upstream closed both at the first EOF); an error on either side ends
 * both at once. With no endpoints the connection is accepted and closed.
 *
 * UDP: one backend socket per client address; a packet either way pushes
 * the client's idle deadline back by udpIdleTimeoutMs; at the deadline the
 * backend socket closes and the client is forgotten. With no endpoints
 * packets are dropped.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { Socket, createServer, type OnReadOpts, type Server, type SocketConstructorOpts } from 'node:net';
import type { Logger } from '../../api/log.js';
import type { LoadBalancerRR } from './round-robin.js';

/** upstream's EndpointDialTimeouts */
export const ENDPOINT_DIAL_TIMEOUTS_MS = [250, 500, 1000, 2000];

export interface ProxySocket {
  /** The port it listens on. */
  readonly port: number;
  /** Open connections (TCP) or UDP clients. */
  activeClients(): number;
  /** Stops listening and ends every connection or client. */
  close(): Promise<void>;
}

export interface ProxySocketOptions {
  /** The load balancer's key for this service port. */
  service: string;
  lb: LoadBalancerRR;
  log: Logger;
  /** @default '0.0.0.0' */
  bindAddress?: string;
  /** @default 0 (the kernel picks) */
  port?: number;
  /** UDP only. @default 250 */
  udpIdleTimeoutMs?: number;
}

function splitHostPort(endpoint: string): [string, number] {
  const i = endpoint.lastIndexOf(':');
  return [endpoint.slice(0, i).replace(/^\[|\]$/g, ''), Number(endpoint.slice(i + 1))];
}

/**
 * Bytes a relay lets queue in a socket's write buffer before it stops
 * reading the other socket. Both it and RELAY_MAX_READ at 2 MiB measured
 * 64-70% of direct client to server and 49-62% server to client (iperf3
 * through a ClusterIP, bench/service-proxy.ts, 2 cores); at 1 MiB 61-67%
 * and 43-50%; at 256 KiB 41-47% and 44-46%.
 */
const RELAY_HIGH_WATER_MARK = 2 * 1024 * 1024;
/**
 * A relay's first read buffer: it doubles after every read that fills it,
 * up to RELAY_MAX_READ, and halves after a read of less than a quarter of
 * it, so a bulk transfer reads big and an idle or chatty connection keeps
 * 16 KiB per direction.
 */
const RELAY_FIRST_READ = 16 * 1024;
const RELAY_MAX_READ = 2 * 1024 * 1024;

/**
 * Reads for one direction of a relay (net's `onread`: no 'data' events),
 * each written at once to `sink()`. A read of at least half the buffer is
 * written from the buffer itself, and when the write could not complete at
 * once (the chunk is queued) the next read goes into a new buffer; smaller
 * reads are copied, so a queue of small chunks never holds big buffers. A
 * write past the high-water mark stops reading until the sink drains.
 * `source()` is the socket that reads (created after these options).
 */
function relayReader(sink: () => Socket, source: () => Socket): OnReadOpts {
  let buf = Buffer.allocUnsafe(RELAY_FIRST_READ);
  return {
    buffer: () => buf,
    callback: (n, b) => {
      const dst = sink();
      const owned = n >= b.length / 2;
      const ok = dst.write(owned ? b.subarray(0, n) : Buffer.from(b.subarray(0, n)));
      const size = n === b.length ? Math.min(b.length * 2, RELAY_MAX_READ) : n < b.length / 4 ? Math.max(b.length / 2, RELAY_FIRST_READ) : b.length;
      if ((owned && dst.writableLength > 0) || size !== b.length) buf = Buffer.allocUnsafe(size);
      if (!ok) dst.once('drain', () => source().resume());
      return ok;
    },
  };
}

/** net.Socket options with the relay's high-water mark, `onread` and an accepted connection's `handle` (net's constructor takes all three; its types list none). */
function socketOptions(o: SocketConstructorOpts & { handle?: unknown; onread: OnReadOpts }): SocketConstructorOpts {
  return { ...o, highWaterMark: RELAY_HIGH_WATER_MARK } as SocketConstructorOpts;
}

/** Connects to an endpoint; the socket does not read until resumed, and its reads go to `onread`. */
function dial(endpoint: string, timeoutMs: number, onread: OnReadOpts): Promise<Socket> {
  const [host, port] = splitHostPort(endpoint);
  return new Promise((resolve, reject) => {
    const s = new Socket(socketOptions({ allowHalfOpen: true, onread }));
    // Paused before connecting: net then does not start reading once connected.
    s.pause();
    s.connect({ host, port, noDelay: true });
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`dial ${endpoint}: timeout after ${timeoutMs} ms`)); }, timeoutMs);
    s.once('connect', () => { clearTimeout(timer); s.removeAllListeners('error'); resolve(s); });
    s.once('error', (err) => { clearTimeout(timer); s.destroy(); reject(err); });
  });
}

/**
 * The accepted socket `accepted` (paused, never read) as a socket whose
 * reads go to `onread`: net's server has no `onread`, so its handle moves
 * to a new Socket, and `accepted`, left without one, is destroyed (which
 * also ends the server's count of it). This leans on net's internals
 * (`_handle`, the constructor's `handle`, as node:cluster and child_process
 * handle passing use them); without a handle it throws and the caller
 * closes the connection.
 */
function adoptAccepted(accepted: Socket, onread: OnReadOpts): Socket {
  const handle = (accepted as unknown as { _handle: unknown })._handle;
  if (!handle) throw new Error('the accepted connection has no handle');
  (accepted as unknown as { _handle: unknown })._handle = null;
  accepted.destroy();
  const s = new Socket(socketOptions({ handle, allowHalfOpen: true, readable: true, writable: true, onread }));
  s.pause();
  return s;
}

/** Opens a TCP proxy socket; rejects when it cannot listen (port in use, bad address). */
export async function openTCPProxySocket(o: ProxySocketOptions): Promise<ProxySocket> {
  const conns = new Set<Socket>();
  const track = (s: Socket): void => {
    conns.add(s);
    s.once('close', () => conns.delete(s));
  };
  const server: Server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true }, (accepted) => {
    track(accepted);
    accepted.on('error', () => accepted.destroy());
    void proxyTCP(accepted);
  });
  const proxyTCP = async (accepted: Socket): Promise<void> => {
    const clientIP = (accepted.remoteAddress ?? '').replace(/^::ffff:/, '');
    let client: Socket | undefined;
    let backend: Socket | undefined;
    const toClient = relayReader(() => client!, () => backend!);
    for (let i = 0; i < ENDPOINT_DIAL_TIMEOUTS_MS.length && !accepted.destroyed; i++) {
      let endpoint: string;
      try {
        endpoint = o.lb.next(o.service, clientIP, i > 0);
      } catch (err) {
        // No endpoints: accept, then close at once (upstream's userspace behaviour).
        o.log.debug({ service: o.service, err: (err as Error).message }, 'no endpoints; closing the connection');
        accepted.destroy();
        return;
      }
      try {
        backend = await dial(endpoint, ENDPOINT_DIAL_TIMEOUTS_MS[i]!, toClient);
        break;
      } catch (err) {
        o.log.warn({ service: o.service, endpoint, err: (err as Error).message }, 'dial to endpoint failed; trying the next');
      }
    }
    if (!backend || accepted.destroyed) {
      backend?.destroy();
      accepted.destroy();
      return;
    }
    const b = backend;
    try {
      client = adoptAccepted(accepted, relayReader(() => b, () => client!));
    } catch (err) {
      o.log.error({ service: o.service, err: (err as Error).message }, 'cannot relay the connection');
      accepted.destroy();
      b.destroy();
      return;
    }
    const c = client;
    track(c);
    track(b);
    const fail = (): void => { c.destroy(); b.destroy(); };
    b.on('error', fail);
    c.on('error', fail);
    // A direction is done when its destination has flushed everything and sent its FIN; both done: close both.
    let finished = 0;
    const oneWay = (src: Socket, dst: Socket): void => {
      src.once('end', () => dst.end());
      dst.once('finish', () => { if (++finished === 2) { c.destroy(); b.destroy(); } });
    };
    oneWay(c, b);
    oneWay(b, c);
    c.once('close', (hadError) => { if (hadError) b.destroy(); });
    b.once('close', (hadError) => { if (hadError) c.destroy(); });
    c.resume();
    b.resume();
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: o.bindAddress ?? '0.0.0.0', port: o.port ?? 0 }, () => { server.off('error', reject); resolve(); });
  });
  server.on('error', (err) => o.log.error({ service: o.service, err: err.message }, 'TCP proxy socket error'));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    activeClients: () => conns.size,
    close: () => new Promise<void>((resolve) => {
      for (const c of conns) c.destroy();
      server.close(() => resolve());
    }),
  };
}

interface UdpClient { backend: UdpSocket; timer: NodeJS.Timeout; host: string; port: number }

/** Opens a UDP proxy socket; rejects when it cannot bind. */
export async function openUDPProxySocket(o: ProxySocketOptions): Promise<ProxySocket> {
  const idleMs = o.udpIdleTimeoutMs ?? 250;
  const sock = createSocket({ type: 'udp4', reuseAddr: false });
  const clients = new Map<string, UdpClient>();
  const forget = (key: string): void => {
    const c = clients.get(key);
    if (!c) return;
    clients.delete(key);
    clearTimeout(c.timer);
    c.backend.close();
  };
  const touch = (key: string): void => {
    const c = clients.get(key);
    if (!c) return;
    clearTimeout(c.timer);
    c.timer = setTimeout(() => forget(key), idleMs);
    c.timer.unref();
  };
  const newClient = async (key: string, rinfo: RemoteInfo): Promise<UdpClient | undefined> => {
    let endpoint: string;
    try {
      endpoint = o.lb.next(o.service, rinfo.address);
    } catch {
      return undefined; // no endpoints: drop
    }
    const [host, port] = splitHostPort(endpoint);
    const backend = createSocket('udp4');
    await new Promise<void>((resolve, reject) => { backend.once('error', reject); backend.bind(0, () => { backend.off('error', reject); resolve(); }); });
    backend.on('error', (err) => { o.log.debug({ service: o.service, endpoint, err: err.message }, 'UDP backend socket error'); forget(key); });
    backend.on('message', (msg, from) => {
      if (from.address !== host || from.port !== port) return;
      touch(key);
      sock.send(msg, rinfo.port, rinfo.address);
    });
    const c: UdpClient = { backend, timer: setTimeout(() => forget(key), idleMs), host, port };
    c.timer.unref();
    return c;
  };
  const pendingClients = new Map<string, Promise<UdpClient | undefined>>();
  sock.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}:${rinfo.port}`;
    const existing = clients.get(key);
    const send = (c: UdpClient | undefined): void => {
      if (!c) return;
      touch(key);
      c.backend.send(msg, c.port, c.host);
    };
    if (existing) { send(existing); return; }
    let p = pendingClients.get(key);
    if (!p) {
      p = newClient(key, rinfo).then((c) => {
        pendingClients.delete(key);
        if (c) clients.set(key, c);
        return c;
      }, (err: Error) => {
        pendingClients.delete(key);
        o.log.warn({ service: o.service, err: err.message }, 'cannot open a UDP backend socket');
        return undefined;
      });
      pendingClients.set(key, p);
    }
    void p.then(send);
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind({ address: o.bindAddress ?? '0.0.0.0', port: o.port ?? 0, exclusive: true }, () => { sock.off('error', reject); resolve(); });
  });
  sock.on('error', (err) => o.log.error({ service: o.service, err: err.message }, 'UDP proxy socket error'));
  return {
    port: sock.address().port,
    activeClients: () => clients.size,
    close: () => new Promise<void>((resolve) => {
      for (const k of [...clients.keys()]) forget(k);
      sock.close(() => resolve());
    }),
  };
}
