/** Services and EndpointSlices for the proxy tests, in the API's shape. */
import type { Service, ServiceSpec } from 'kubernetes-types/core/v1.js';
import type { Endpoint, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { ProxyChangeTracker, type ProxySnapshot } from '../../src/proxy/index.js';

export function service(ns: string, name: string, spec: ServiceSpec, status?: Service['status']): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec: { type: 'ClusterIP', ...spec }, ...(status ? { status } : {}) };
}

export interface Ep { ip: string; node?: string; ready?: boolean; serving?: boolean; terminating?: boolean }

export function slice(ns: string, svc: string, name: string, ports: Array<{ name?: string; port: number; protocol?: 'TCP' | 'UDP' }>, eps: Ep[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
    metadata: { namespace: ns, name, labels: { 'kubernetes.io/service-name': svc } },
    ports: ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints: eps.map((e): Endpoint => ({
      addresses: [e.ip], ...(e.node ? { nodeName: e.node } : {}),
      conditions: { ...(e.ready !== undefined ? { ready: e.ready } : {}), ...(e.serving !== undefined ? { serving: e.serving } : {}), ...(e.terminating !== undefined ? { terminating: e.terminating } : {}) },
    })),
  };
}

/** A snapshot of `services` and `slices` as the tracker computes it for node `nodeName`. */
export function snapshotOf(services: Service[], slices: EndpointSlice[], nodeName = 'node1'): ProxySnapshot {
  const t = new ProxyChangeTracker({ nodeName });
  for (const s of services) t.onService(undefined, s);
  for (const s of slices) t.onEndpointSlice(s, false);
  return t.snapshot();
}
