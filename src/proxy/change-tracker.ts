/**
 * Change tracking shared by every proxy mode (upstream's
 * ServiceChangeTracker + EndpointsChangeTracker): keeps the Services and
 * EndpointSlices seen so far, the service ports and endpoints computed from
 * them (recomputed per service, on that service's events only), and the set
 * of services whose ports or endpoints changed since the last takeChanges().
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { endpointsOfSlices, serviceKeyOfSlice, type EndpointInfo } from './endpoints.js';
import { servicePortKey, servicePortsOf, type IPFamily, type ServicePortInfo } from './service-port.js';

/** The proxy's view at one moment: what a mode renders rules from. */
export interface ProxySnapshot {
  /** Every programmed service port, sorted by servicePortKey. */
  servicePorts: ServicePortInfo[];
  /** Endpoints per servicePortKey (absent: none). */
  endpoints: ReadonlyMap<string, readonly EndpointInfo[]>;
}

export interface ChangeTrackerOptions {
  nodeName: string;
  /** @default 'IPv4' */
  family?: IPFamily;
  /** Called for a slice without the kubernetes.io/service-name label (it is ignored). */
  onBadSlice?: (slice: EndpointSlice, reason: string) => void;
}

export class ProxyChangeTracker {
  private readonly family: IPFamily;
  private readonly ports = new Map<string, ServicePortInfo[]>();
  private readonly portsJson = new Map<string, string>();
  private readonly slices = new Map<string, Map<string, EndpointSlice>>();
  private readonly endpoints = new Map<string, Map<string, EndpointInfo[]>>();
  private readonly endpointsJson = new Map<string, string>();
  private pending = new Set<string>();

  constructor(private readonly opts: ChangeTrackerOptions) {
    this.family = opts.family ?? 'IPv4';
  }

  /** Records a Service add (prev undefined), update or delete (cur undefined). True when its service ports changed. */
  onService(prev: Service | undefined, cur: Service | undefined): boolean {
    const svc = cur ?? prev;
    if (!svc) return false;
    const key = `${svc.metadata?.namespace ?? 'default'}/${svc.metadata?.name ?? ''}`;
    const ports = cur ? servicePortsOf(cur, this.family) : [];
    const json = JSON.stringify(ports);
    if ((this.portsJson.get(key) ?? '[]') === json) return false;
    if (ports.length === 0) {
      this.ports.delete(key);
      this.portsJson.delete(key);
    } else {
      this.ports.set(key, ports);
      this.portsJson.set(key, json);
    }
    this.pending.add(key);
    return true;
  }

  /** Records an EndpointSlice add/update (`removed` false) or delete. True when its service's endpoints changed. */
  onEndpointSlice(slice: EndpointSlice, removed: boolean): boolean {
    const key = serviceKeyOfSlice(slice);
    if (!key) {
      this.opts.onBadSlice?.(slice, `EndpointSlice has no ${'kubernetes.io/service-name'} label; ignored`);
      return false;
    }
    let mine = this.slices.get(key);
    if (!mine) this.slices.set(key, mine = new Map());
    const name = slice.metadata?.name ?? '';
    if (removed) mine.delete(name);
    else mine.set(name, slice);
    if (mine.size === 0) this.slices.delete(key);
    const eps = endpointsOfSlices(key, [...mine.values()], this.opts.nodeName, this.family);
    const json = JSON.stringify([...eps]);
    if ((this.endpointsJson.get(key) ?? '[]') === json) return false;
    if (eps.size === 0) {
      this.endpoints.delete(key);
      this.endpointsJson.delete(key);
    } else {
      this.endpoints.set(key, eps);
      this.endpointsJson.set(key, json);
    }
    this.pending.add(key);
    return true;
  }

  /** Services (`<ns>/<svc>`) changed since the last call; clears the set. */
  takeChanges(): Set<string> {
    const out = this.pending;
    this.pending = new Set();
    return out;
  }

  hasPendingChanges(): boolean { return this.pending.size > 0; }

  snapshot(): ProxySnapshot {
    const servicePorts: ServicePortInfo[] = [];
    const endpoints = new Map<string, EndpointInfo[]>();
    for (const [svcKey, ports] of this.ports) {
      const eps = this.endpoints.get(svcKey);
      for (const p of ports) {
        servicePorts.push(p);
        const k = servicePortKey(p);
        const list = eps?.get(k);
        if (list) endpoints.set(k, list);
      }
    }
    const keys = new Map(servicePorts.map((p) => [p, servicePortKey(p)]));
    servicePorts.sort((a, b) => { const x = keys.get(a)!; const y = keys.get(b)!; return x < y ? -1 : x > y ? 1 : 0; });
    return { servicePorts, endpoints };
  }
}
