/**
 * What every mode does after a successful sync (upstream's tail of
 * syncProxyRules): the healthCheckNodePort servers get the services and
 * their local ready endpoint counts; stale UDP conntrack entries go.
 */
import type { Logger } from '../api/log.js';
import type { ProxySnapshot } from './change-tracker.js';
import { cleanStaleUdpEntries } from './conntrack.js';
import type { Runner } from './exec.js';
import type { ServiceHealthServer } from './healthcheck/service-health-server.js';
import { servicePortKey } from './service-port.js';

export interface PostSyncOptions {
  runner: Runner;
  log: Logger;
  nodeIPs: readonly string[];
  healthServer?: ServiceHealthServer;
  /** @default true */
  conntrackCleanup?: boolean;
}

/** Returns a function to call after each successful sync; `changed` undefined after a full sync. Never rejects. */
export function postSync(o: PostSyncOptions): (snapshot: ProxySnapshot, changed: ReadonlySet<string> | undefined) => Promise<void> {
  let conntrackMissingLogged = false;
  return async (snapshot, changed) => {
    const hs = o.healthServer;
    if (hs) {
      const ports = new Map<string, number>();
      // Distinct IPs of local ready endpoints per service, over all its ports (upstream's LocalReadyEndpoints).
      const ips = new Map<string, Set<string>>();
      for (const svc of snapshot.servicePorts) {
        if (svc.healthCheckNodePort) ports.set(svc.serviceKey, svc.healthCheckNodePort);
        let set = ips.get(svc.serviceKey);
        if (!set) ips.set(svc.serviceKey, set = new Set());
        for (const e of snapshot.endpoints.get(servicePortKey(svc)) ?? []) if (e.isLocal && e.ready) set.add(e.ip);
      }
      hs.syncEndpoints(new Map([...ips].map(([k, v]) => [k, v.size])));
      try {
        await hs.syncServices(ports);
      } catch (err) {
        o.log.error({ err: (err as Error).message }, 'error syncing healthcheck services');
      }
    }
    if (o.conntrackCleanup === false) return;
    if (!snapshot.servicePorts.some((s) => s.protocol === 'UDP' && (!changed || changed.has(s.serviceKey)))) return;
    try {
      const n = await cleanStaleUdpEntries(o.runner, snapshot, o.nodeIPs);
      if (n > 0) o.log.debug({ deleted: n }, 'deleted stale UDP conntrack entries');
    } catch (err) {
      if (!conntrackMissingLogged) {
        conntrackMissingLogged = true;
        o.log.warn({ err: (err as Error).message }, 'cannot clean stale UDP conntrack entries (is the conntrack binary installed? apt-get install conntrack); logged once');
      }
    }
  };
}
