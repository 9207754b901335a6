/**
 * healthCheckNodePort servers (upstream's pkg/proxy/healthcheck/service_health.go):
 * one HTTP server per LoadBalancer Service with externalTrafficPolicy Local,
 * on its healthCheckNodePort, answering any path with 200 when this node has
 * local ready endpoints for it and the proxy is healthy, else 503, so that
 * the load balancer sends traffic only to nodes that can serve it locally.
 */
import { createServer, type Server } from 'node:http';
import type { Logger } from '../../api/log.js';

export interface ServiceHealthServerOptions {
  /** The address servers bind. @default '0.0.0.0' */
  bindAddress?: string;
  /** Whether the proxy's last sync succeeded (serviceProxyHealthy). @default () => true */
  proxyHealthy?: () => boolean;
  log?: Logger;
  /** A server could not listen (upstream: Warning event FailedToStartServiceHealthcheck on the Service). */
  onListenError?: (serviceKey: string, port: number, err: Error) => void;
}

interface Listener { port: number; server: Server }

/** The JSON body, tab-indented as upstream's (a dedented Go template). */
export function healthCheckBody(namespace: string, name: string, localEndpoints: number, healthy: boolean): string {
  return `{\n\t"service": {\n\t\t"namespace": ${JSON.stringify(namespace)},\n\t\t"name": ${JSON.stringify(name)}\n\t},\n` +
    `\t"localEndpoints": ${localEndpoints},\n\t"serviceProxyHealthy": ${healthy}\n}`;
}

export class ServiceHealthServer {
  private readonly listeners = new Map<string, Listener>();
  private counts = new Map<string, number>();

  constructor(private readonly opts: ServiceHealthServerOptions = {}) {}

  /**
   * Makes the set of servers match `services` (`<ns>/<svc>` → port): stops
   * servers of services gone or moved to another port, starts new ones.
   * A listen failure is reported (onListenError, log) and does not reject.
   */
  async syncServices(services: ReadonlyMap<string, number>): Promise<void> {
    for (const [key, l] of this.listeners) {
      if (services.get(key) === l.port) continue;
      this.listeners.delete(key);
      await new Promise<void>((r) => l.server.close(() => r()));
    }
    for (const [key, port] of services) {
      if (this.listeners.has(key)) continue;
      const server = this.serverFor(key);
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, this.opts.bindAddress ?? '0.0.0.0', () => { server.off('error', reject); resolve(); });
        });
        this.listeners.set(key, { port, server });
      } catch (err) {
        this.opts.log?.error({ service: key, port, err: (err as Error).message }, 'failed to start service healthcheck');
        this.opts.onListenError?.(key, port, err as Error);
      }
    }
  }

  /** Sets the local ready endpoint count (distinct IPs) per service; services absent count 0. */
  syncEndpoints(counts: ReadonlyMap<string, number>): void {
    this.counts = new Map(counts);
  }

  /** The ports served now, by service. */
  ports(): Map<string, number> {
    return new Map([...this.listeners].map(([k, l]) => [k, l.port]));
  }

  async close(): Promise<void> {
    const all = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(all.map((l) => new Promise<void>((r) => { l.server.close(() => r()); l.server.closeAllConnections(); })));
  }

  private serverFor(key: string): Server {
    const [namespace, name] = key.split('/') as [string, string];
    return createServer((req, res) => {
      const count = this.counts.get(key) ?? 0;
      const healthy = this.opts.proxyHealthy?.() ?? true;
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.statusCode = count > 0 && healthy ? 200 : 503;
      res.end(healthCheckBody(namespace, name, count, healthy));
      req.resume();
    });
  }
}
