/**
 * TCP connections to localhost inside a pod's network namespace, which is
 * where port-forward must dial (upstream: the runtime enters the sandbox's
 * netns and dials localhost:port). Node cannot enter a namespace, so one
 * small child process per namespace is started there with nsenter; it
 * connects and passes each connected socket back over its IPC channel
 * (SCM_RIGHTS). From then on the bytes flow through the kubelet's own
 * descriptor: no extra copy, no extra process in the data path.
 *
 * A child lives while someone holds its namespace (acquire/release) and
 * exits when released or when the kubelet goes away.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dialLocalhost } from './localhost-dial.js';

const CHILD = fileURLToPath(new URL('./netns-dialer-child.js', import.meta.url));

/** One user's hold on a namespace: dial through it, then release it once. */
export interface NetnsHandle {
  /** A connected socket to localhost:port in the namespace (IPv4, else IPv6); rejects with the reasons of both tries. */
  dial(port: number): Promise<Socket>;
  release(): void;
}

interface Child {
  proc: ChildProcess;
  users: number;
  nextId: number;
  pending: Map<number, { resolve: (s: Socket) => void; reject: (e: Error) => void }>;
}

export class NetnsDialer {
  private readonly children = new Map<string, Child>();

  constructor(private readonly nsenter = 'nsenter') {}

  /** Namespaces with a live child now. */
  get live(): number {
    return this.children.size;
  }

  /**
   * A hold on the network namespace at `netnsPath` (a bind mount such as
   * /var/run/netns/cni-…, or /proc/PID/ns/net). An empty path means the
   * host's own namespace (a hostNetwork pod): dials go straight out.
   */
  acquire(netnsPath: string): NetnsHandle {
    if (!netnsPath) return { dial: dialLocalhost, release: () => undefined };
    let child = this.children.get(netnsPath);
    if (!child) {
      child = this.start(netnsPath);
      this.children.set(netnsPath, child);
    }
    child.users++;
    const c = child;
    let released = false;
    return {
      dial: (port) => this.dialVia(c, port),
      release: () => {
        if (released) return;
        released = true;
        if (--c.users === 0) this.stop(netnsPath, c);
      },
    };
  }

  /** Stops every child (the kubelet is stopping). */
  close(): void {
    for (const [path, c] of this.children) this.stop(path, c);
  }

  private start(netnsPath: string): Child {
    const proc = spawn(this.nsenter, [`--net=${netnsPath}`, '--', process.execPath, '--max-old-space-size=16', CHILD], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const child: Child = { proc, users: 0, nextId: 1, pending: new Map() };
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => { if (stderr.length < 2000) stderr += d.toString(); });
    proc.on('message', (m: { id: number; error?: string }, handle?: unknown) => {
      const p = child.pending.get(m.id);
      if (!p) {
        (handle as Socket | undefined)?.destroy();
        return;
      }
      child.pending.delete(m.id);
      if (handle) p.resolve(handle as Socket);
      else p.reject(new Error(m.error ?? 'no socket'));
    });
    const gone = (why: string): void => {
      if (this.children.get(netnsPath) === child) this.children.delete(netnsPath);
      const err = new Error(`cannot enter network namespace ${JSON.stringify(netnsPath)}: ${(stderr.trim() || why)}`);
      for (const p of child.pending.values()) p.reject(err);
      child.pending.clear();
    };
    proc.on('error', (e) => gone(e.message));
    proc.on('exit', (code, signal) => gone(`dialer exited (${signal ?? code})`));
    return child;
  }

  private dialVia(c: Child, port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      if (!c.proc.connected) return reject(new Error('network namespace dialer is not running'));
      const id = c.nextId++;
      c.pending.set(id, { resolve, reject });
      c.proc.send({ id, port }, (err) => {
        if (!err) return;
        c.pending.delete(id);
        reject(err);
      });
    });
  }

  private stop(path: string, c: Child): void {
    if (this.children.get(path) === c) this.children.delete(path);
    if (c.proc.connected) c.proc.disconnect();
    c.proc.kill();
  }
}
