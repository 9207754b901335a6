/**
 * A TCP proxy in front of a server that a test can cut: `partition()` drops
 * every connection and refuses new ones until `heal()`, as a network split
 * between one client and the server would.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export class PartitionProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private cut = false;

  private constructor(targetPort: number) {
    this.server = createServer((client) => {
      if (this.cut) { client.destroy(); return; }
      const upstream = connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  static async start(targetPort: number): Promise<PartitionProxy & { port: number }> {
    const p = new PartitionProxy(targetPort);
    await new Promise<void>((resolve) => p.server.listen(0, '127.0.0.1', resolve));
    return Object.assign(p, { port: (p.server.address() as AddressInfo).port });
  }

  partition(): void {
    this.cut = true;
    for (const s of this.sockets) s.destroy();
  }

  heal(): void { this.cut = false; }

  async close(): Promise<void> {
    this.partition();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
