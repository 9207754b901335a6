/**
 * Cluster DNS: a built-in equivalent of CoreDNS with kubeadm's Corefile
 * (kubernetes <zone> in-addr.arpa ip6.arpa { pods insecure; fallthrough
 * in-addr.arpa ip6.arpa; ttl 30 }, forward . /etc/resolv.conf, cache 30),
 * fed by informers on Services, EndpointSlices and Namespaces; and the
 * kube-system/kube-dns Service that puts it behind its ClusterIP.
 */
import { readFileSync } from 'node:fs';
import type { Namespace, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Logger } from '../api/log.js';
import { Informer, RESOURCES, type RestClient } from '../client/index.js';
import { waitForInformers } from '../client/wait-for-informers.js';
import { ClusterRecords } from './cluster-records.js';
import { DnsServer } from './dns-server.js';
import { Forwarder } from './forwarder.js';
import { normalizeName } from './names.js';
import { nameserversOf, parseUpstream, withoutSelf, type Upstream } from './upstreams.js';

export { ensureKubeDnsService, type KubeDnsServiceOptions } from './kube-dns-service.js';

export interface ClusterDnsOptions {
  client: RestClient;
  /** Address for both UDP and TCP; port 0 picks a free one (the same for both). */
  listen: { host: string; port: number };
  /** e.g. cluster.local */
  clusterDomain: string;
  /** Upstream nameservers come from its `nameserver` lines. @default /etc/resolv.conf */
  resolvConf?: string;
  /** Upstreams as `ip`, `ip:port` or `[ipv6]:port`, instead of resolvConf's. */
  upstreams?: string[];
  /** TTL of cluster records. @default 30 (kubeadm's Corefile) */
  ttl?: number;
  /** CoreDNS's endpoint_pod_names: headless endpoints without a hostname are named by their pod. @default true */
  endpointPodNames?: boolean;
  /** Per upstream attempt. @default 2000 */
  upstreamTimeoutMs?: number;
  /** Close a client's TCP connection idle this long. @default 10000 */
  tcpIdleTimeoutMs?: number;
  log: Logger;
  /** Aborting stops the informers and closes the sockets. */
  signal: AbortSignal;
}

export interface RunningClusterDns {
  /** The bound port (UDP and TCP). */
  port: number;
  /** The upstreams in use, after dropping the server's own address. */
  upstreams: readonly Upstream[];
  /** Resolves true once the informers have synced (false if stopped first); NXDOMAIN answers are SERVFAIL until then. */
  synced: Promise<boolean>;
  /** How many queries went upstream. */
  upstreamQueries(): number;
  /** Stops as aborting `signal` does; resolves once the sockets are closed. */
  stop(): Promise<void>;
}

function upstreamsFor(opts: ClusterDnsOptions): Upstream[] {
  const self = { host: opts.listen.host, port: opts.listen.port };
  if (opts.upstreams) return withoutSelf(opts.upstreams.map(parseUpstream), self);
  const path = opts.resolvConf ?? '/etc/resolv.conf';
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    opts.log.warn({ path, err: (e as Error).message }, 'cannot read resolv.conf: names outside the cluster get SERVFAIL');
    return [];
  }
  return withoutSelf(nameserversOf(text).map((ip) => ({ host: ip, port: 53 })), self);
}

/**
 * Starts the cluster DNS server: binds UDP and TCP on `listen`, starts the
 * informers, and resolves once listening (answers are SERVFAIL instead of
 * NXDOMAIN until `synced`). Rejects when the address cannot be bound or an
 * option is invalid (bad clusterDomain, ttl or upstream).
 */
export async function startClusterDns(opts: ClusterDnsOptions): Promise<RunningClusterDns> {
  const zone = normalizeName(opts.clusterDomain);
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(zone)) throw new Error(`invalid cluster domain "${opts.clusterDomain}"`);
  const ttl = opts.ttl ?? 30;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 3600) throw new Error(`DNS ttl ${ttl} is outside 0-3600`);
  const upstreams = upstreamsFor(opts);
  const log = opts.log;
  const records = new ClusterRecords({ endpointPodNames: opts.endpointPodNames ?? true });
  const forwarder = new Forwarder({ upstreams, log, timeoutMs: opts.upstreamTimeoutMs ?? 2000 });
  const informers = {
    services: new Informer<Service>(opts.client, RESOURCES.services, { logger: log }),
    slices: new Informer<EndpointSlice>(opts.client, RESOURCES.endpointslices, { logger: log }),
    namespaces: new Informer<Namespace>(opts.client, RESOURCES.namespaces, { logger: log }),
  };
  informers.services.addEventHandler({ onAdd: (s) => records.setService(s), onUpdate: (_, s) => records.setService(s), onDelete: (s) => records.deleteService(s) });
  informers.slices.addEventHandler({ onAdd: (s) => records.setEndpointSlice(s), onUpdate: (_, s) => records.setEndpointSlice(s), onDelete: (s) => records.deleteEndpointSlice(s) });
  informers.namespaces.addEventHandler({ onAdd: (n) => records.setNamespace(n), onUpdate: (_, n) => records.setNamespace(n), onDelete: (n) => records.deleteNamespace(n) });
  const all = Object.values(informers);
  let synced = false;
  const server = new DnsServer({ records, zone: { zone, ttl }, forwarder, synced: () => synced, log, ...(opts.tcpIdleTimeoutMs !== undefined ? { tcpIdleTimeoutMs: opts.tcpIdleTimeoutMs } : {}) });
  const port = await server.listen(opts.listen);
  for (const i of all) i.start();
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= (async () => {
    await Promise.all(all.map((i) => i.stop()));
    forwarder.close();
    await server.close();
  })());
  opts.signal.addEventListener('abort', () => void stop(), { once: true });
  if (opts.signal.aborted) void stop();
  const syncedP = waitForInformers(all, opts.signal).then((ok) => {
    synced = ok;
    if (ok) log.info({ port, zone, upstreams: upstreams.map((u) => `${u.host}:${u.port}`) }, 'cluster DNS synced');
    return ok;
  });
  log.info({ host: opts.listen.host, port, zone }, 'cluster DNS listening');
  return { port, upstreams, synced: syncedP, upstreamQueries: () => forwarder.upstreamQueries, stop };
}
