/**
 * The `kube-system/kube-dns` Service in front of the built-in DNS server:
 * the Service kubeadm's CoreDNS addon ships (label k8s-app: kube-dns, ports
 * dns 53/UDP, dns-tcp 53/TCP, metrics 9153/TCP; cmd/kubeadm/app/phases/
 * addons/dns/manifests.go) but with no selector and an EndpointSlice written
 * here, pointing at the server's own address, as the `kubernetes` Service
 * points at the API server. kube-proxy then routes the ClusterIP to it.
 */
import { isIP } from 'node:net';
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { StatusError } from '../api/errors.js';
import { RESOURCES, type RestClient } from '../client/index.js';

export interface KubeDnsServiceOptions {
  /** The Service's ClusterIP. @default 10.43.0.10 (the tenth address of k3s's service range) */
  clusterIP?: string;
  /** Where the DNS server listens: the EndpointSlice's address. */
  endpointAddress: string;
  /** The DNS server's port (UDP and TCP): the EndpointSlice's ports. */
  port: number;
}

const NAMESPACE = 'kube-system';
const NAME = 'kube-dns';
export const KUBE_DNS_MANAGED_BY = 'k8ts-dns';

function desiredPorts(port: number): ServicePort[] {
  return [
    { name: 'dns', port: 53, protocol: 'UDP', targetPort: port },
    { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: port },
    { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
  ];
}

function desiredService(clusterIP: string, port: number): Service {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: NAME, namespace: NAMESPACE, labels: { 'k8s-app': NAME, 'kubernetes.io/name': 'CoreDNS' } },
    spec: { type: 'ClusterIP', clusterIP, clusterIPs: [clusterIP], ports: desiredPorts(port) },
  };
}

function desiredSlice(address: string, port: number): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: {
      name: NAME, namespace: NAMESPACE,
      labels: { 'kubernetes.io/service-name': NAME, 'endpointslice.kubernetes.io/managed-by': KUBE_DNS_MANAGED_BY },
    },
    addressType: isIP(address) === 6 ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [address], conditions: { ready: true, serving: true, terminating: false } }],
    // No metrics endpoint: this server has no Prometheus listener.
    ports: [{ name: 'dns', port, protocol: 'UDP' }, { name: 'dns-tcp', port, protocol: 'TCP' }],
  };
}

const sameLabels = (have: Record<string, string> | undefined, want: Record<string, string>): boolean =>
  Object.entries(want).every(([k, v]) => have?.[k] === v);

function servicePortsMatch(have: ServicePort[] | undefined, want: ServicePort[]): boolean {
  if (have?.length !== want.length) return false;
  return want.every((w, i) => {
    const h = have[i]!;
    return h.name === w.name && h.port === w.port && (h.protocol ?? 'TCP') === w.protocol && String(h.targetPort ?? h.port) === String(w.targetPort);
  });
}

const is = (e: unknown, code: number): boolean => e instanceof StatusError && e.code === code;

async function getOrUndefined<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try { return await fn(); } catch (e) { if (is(e, 404)) return undefined; throw e; }
}

/** Retries `fn` on 409 (a concurrent writer); the last error is thrown. */
async function withConflictRetry(fn: () => Promise<void>): Promise<void> {
  for (let i = 0; ; i++) {
    try { return await fn(); } catch (e) { if (!is(e, 409) || i >= 4) throw e; }
  }
}

async function ensureService(client: RestClient, clusterIP: string, port: number): Promise<void> {
  const want = desiredService(clusterIP, port);
  const res = RESOURCES.services;
  const have = await getOrUndefined(() => client.get<Service>(res, NAME, { namespace: NAMESPACE }));
  if (!have) { await client.create(res, want, { namespace: NAMESPACE }); return; }
  if (have.spec?.clusterIP !== clusterIP || have.spec?.type !== 'ClusterIP') {
    // spec.clusterIP is immutable: a Service at another address is replaced.
    await client.delete(res, NAME, { namespace: NAMESPACE, preconditions: { uid: have.metadata!.uid! } });
    await client.create(res, want, { namespace: NAMESPACE });
    return;
  }
  if (sameLabels(have.metadata?.labels, want.metadata!.labels!) && !have.spec.selector && servicePortsMatch(have.spec.ports, want.spec!.ports!)) return;
  const next: Service = structuredClone(have);
  next.metadata!.labels = { ...next.metadata!.labels, ...want.metadata!.labels };
  delete next.spec!.selector;
  next.spec!.ports = want.spec!.ports!;
  await client.update(res, next, { namespace: NAMESPACE });
}

async function ensureSlice(client: RestClient, address: string, port: number): Promise<void> {
  const want = desiredSlice(address, port);
  const res = RESOURCES.endpointslices;
  const have = await getOrUndefined(() => client.get<EndpointSlice>(res, NAME, { namespace: NAMESPACE }));
  if (!have) { await client.create(res, want, { namespace: NAMESPACE }); return; }
  if (have.addressType !== want.addressType) {
    // addressType is immutable.
    await client.delete(res, NAME, { namespace: NAMESPACE });
    await client.create(res, want, { namespace: NAMESPACE });
    return;
  }
  const same = sameLabels(have.metadata?.labels, want.metadata!.labels!)
    && JSON.stringify(have.endpoints?.map((e) => [e.addresses, e.conditions?.ready])) === JSON.stringify(want.endpoints.map((e) => [e.addresses, e.conditions?.ready]))
    && JSON.stringify(have.ports?.map((p) => [p.name, p.port, p.protocol ?? 'TCP'])) === JSON.stringify(want.ports!.map((p) => [p.name, p.port, p.protocol]));
  if (same) return;
  await client.update(res, { ...want, metadata: { ...have.metadata, labels: { ...have.metadata?.labels, ...want.metadata!.labels } } }, { namespace: NAMESPACE });
}

/**
 * Makes kube-system/kube-dns and its EndpointSlice what they should be:
 * creates what is missing, repairs drift (labels, selector, ports, endpoint),
 * replaces a Service with another ClusterIP. Idempotent; safe to call on every
 * start. Throws the API error when a write fails for another reason than a
 * conflict (409 is retried).
 */
export async function ensureKubeDnsService(client: RestClient, opts: KubeDnsServiceOptions): Promise<void> {
  const clusterIP = opts.clusterIP ?? '10.43.0.10';
  if (!isIP(clusterIP)) throw new Error(`kube-dns clusterIP "${clusterIP}" is not an IP address`);
  if (!isIP(opts.endpointAddress)) throw new Error(`kube-dns endpoint address "${opts.endpointAddress}" is not an IP address`);
  if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) throw new Error(`kube-dns port ${opts.port} is not a port number`);
  await withConflictRetry(() => ensureService(client, clusterIP, opts.port));
  await withConflictRetry(() => ensureSlice(client, opts.endpointAddress, opts.port));
}
