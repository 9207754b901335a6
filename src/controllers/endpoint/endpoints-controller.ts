/**
 * The Endpoints controller (upstream's pkg/controller/endpoint): for every
 * Service with a selector, an Endpoints object of the same name listing the
 * selected pods' IPs and target ports, ready ones under `addresses` and the
 * rest under `notReadyAddresses` (all under `addresses` with
 * publishNotReadyAddresses). Services without a selector are left to their
 * users (the API server's own `kubernetes` Service among them); the
 * Endpoints of a deleted Service are deleted.
 *
 * sync(key) contract: reads the Service and pods from informer caches,
 * writes the Endpoints only when subsets or labels differ, and rejects on
 * conflicts so that the runner retries with a fresher cache.
 */
import type { EndpointAddress, EndpointSubset, Endpoints, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { deepClone, deepEqual } from '../../api/object.js';
import { isPodReady } from '../../api/pods/index.js';
import { startController } from '../../client/controller.js';
import type { Informer } from '../../client/informer.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import { objectKey, splitKey } from '../../client/object-store.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import { WorkQueue } from '../../client/work-queue.js';
import { findPort, isServiceIPSet, podHostname, podIPv4, servicesSelecting, serviceSelects, serviceSelectsPods, shouldPodBeInEndpoints } from './pod-endpoint.js';
import { countAddresses, repackSubsets, type AddressPort } from './subsets.js';
import { LAST_CHANGE_TRIGGER_TIME, TriggerTimeTracker } from './trigger-time.js';
import { podSelectorHandlers } from '../shared/pod-handlers.js';

/** Label on the Endpoints (and EndpointSlices) of a headless Service. */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
/** Set to `truncated` when a Service selects more addresses than one Endpoints holds. */
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';
/** Upstream's cap on addresses in one Endpoints object. */
export const MAX_ENDPOINTS_CAPACITY = 1000;

export interface EndpointsControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  logger?: Logger;
  /** @default 5 (upstream's --concurrent-endpoint-syncs) */
  workers?: number;
}

/** The subsets a Service's Endpoints should hold, given the pods in its namespace. */
export function desiredSubsets(service: Service, pods: readonly Pod[]): EndpointSubset[] {
  const tolerateUnready = service.spec?.publishNotReadyAddresses === true;
  const pairs: AddressPort[] = [];
  for (const pod of pods) {
    if (!serviceSelects(service, pod) || !shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const ip = podIPv4(pod);
    if (!ip) continue;
    const hostname = podHostname(pod, service);
    const address: EndpointAddress = {
      ip,
      ...(hostname ? { hostname } : {}),
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata!.namespace, name: pod.metadata!.name, uid: pod.metadata!.uid },
    };
    const ready = tolerateUnready || isPodReady(pod);
    const ports = service.spec?.ports ?? [];
    if (ports.length === 0) {
      if (service.spec?.clusterIP === 'None') pairs.push({ address, ready });
      continue;
    }
    for (const sp of ports) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      pairs.push({
        address, ready,
        port: { ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) },
      });
    }
  }
  return repackSubsets(pairs);
}

/** Keeps the first `max` addresses, ready ones first (upstream truncates over-capacity Endpoints this way). */
export function truncateSubsets(subsets: readonly EndpointSubset[], max: number): EndpointSubset[] {
  let budget = max;
  const take = (as: EndpointAddress[] | undefined): EndpointAddress[] => {
    const out = (as ?? []).slice(0, Math.max(0, budget));
    budget -= out.length;
    return out;
  };
  const ready = subsets.map((s) => take(s.addresses));
  const notReady = subsets.map((s) => take(s.notReadyAddresses));
  return subsets.map((s, i) => ({
    ...(ready[i]!.length ? { addresses: ready[i] } : {}),
    ...(notReady[i]!.length ? { notReadyAddresses: notReady[i] } : {}),
    ...(s.ports ? { ports: s.ports } : {}),
  })).filter((s) => s.addresses || s.notReadyAddresses);
}

/** The labels of a Service's Endpoints: the Service's own, plus the headless marker when it has no ClusterIP. */
export function endpointsLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = { ...(service.metadata?.labels ?? {}) };
  if (isServiceIPSet(service)) delete labels[HEADLESS_LABEL];
  else labels[HEADLESS_LABEL] = '';
  return labels;
}

const code = (e: unknown): number | undefined => (e as { code?: number }).code;
const namespaceTerminating = (e: unknown): boolean => code(e) === 403 && /terminat/i.test((e as Error).message ?? '');

export function startEndpointsController(opts: EndpointsControllerOptions): { stop(): Promise<void> } {
  const { client, logger } = opts;
  const services = opts.informers.forResource<Service>(RESOURCES.services);
  const pods = opts.informers.forResource<Pod>(RESOURCES.pods);
  const endpoints = opts.informers.forResource<Endpoints>(RESOURCES.endpoints);
  const queue = new WorkQueue<string>({ name: 'endpoint' });
  const tracker = new TriggerTimeTracker();

  const enqueueService = (s: Service): void => queue.add(objectKey(s));
  services.addEventHandler({ onAdd: enqueueService, onUpdate: (_o, s) => enqueueService(s), onDelete: enqueueService });
  const enqueueForPod = (pod: Pod): void => {
    for (const k of servicesSelecting(services.store.byNamespace(pod.metadata?.namespace ?? ''), pod)) queue.add(k);
  };
  pods.addEventHandler(podSelectorHandlers(enqueueForPod));
  // A deleted or changed Endpoints of a selector Service is put back.
  const enqueueForEndpoints = (ep: Endpoints): void => {
    const svc = services.store.get(objectKey(ep));
    if (svc && serviceSelectsPods(svc)) queue.add(objectKey(ep));
  };
  endpoints.addEventHandler({ onUpdate: (_o, ep) => enqueueForEndpoints(ep), onDelete: enqueueForEndpoints });

  const sync = endpointsSync({ client, services, pods, endpoints, tracker, logger });
  const running = startController({
    name: 'endpoint', queue, sync, informers: [services, pods, endpoints], workers: opts.workers ?? 5, logger,
  });
  return { stop: () => running.stop() };
}

export interface EndpointsSyncDeps {
  client: RestClient;
  services: Pick<Informer<Service>, 'store'>;
  pods: Pick<Informer<Pod>, 'store'>;
  endpoints: Pick<Informer<Endpoints>, 'store'>;
  tracker: TriggerTimeTracker;
  logger?: Logger;
}

/** The controller's sync(key) for one Service key (`namespace/name`). */
export function endpointsSync(deps: EndpointsSyncDeps): (key: string) => Promise<void> {
  const { client } = deps;
  return async (key) => {
    const { namespace, name } = splitKey(key);
    const service = deps.services.store.get(key);
    if (!service) {
      deps.tracker.delete(key);
      // The Service is gone: so are its Endpoints (user-managed ones too, as upstream).
      if (!deps.endpoints.store.get(key)) return;
      try {
        await client.delete(RESOURCES.endpoints, name, { namespace });
      } catch (e) {
        if (code(e) !== 404) throw e;
      }
      return;
    }
    if (!serviceSelectsPods(service)) return;

    const candidates = deps.pods.store.byNamespace(namespace).filter((p) => serviceSelects(service, p));
    let subsets = desiredSubsets(service, candidates);
    const overCapacity = countAddresses(subsets) > MAX_ENDPOINTS_CAPACITY;
    if (overCapacity) subsets = truncateSubsets(subsets, MAX_ENDPOINTS_CAPACITY);
    const triggerTime = deps.tracker.compute(key, service, candidates);
    const labels = endpointsLabels(service);

    const current = deps.endpoints.store.get(key);
    if (current
      && deepEqual(current.subsets ?? [], subsets)
      && deepEqual(current.metadata?.labels ?? {}, labels)
      && (current.metadata?.annotations?.[OVER_CAPACITY_ANNOTATION] === 'truncated') === overCapacity) {
      return;
    }
    const next: Endpoints = current ? deepClone(current) : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace } };
    const meta = next.metadata!;
    const annotations: Record<string, string> = { ...(meta.annotations ?? {}) };
    if (triggerTime) annotations[LAST_CHANGE_TRIGGER_TIME] = triggerTime;
    else delete annotations[LAST_CHANGE_TRIGGER_TIME];
    if (overCapacity) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
    else delete annotations[OVER_CAPACITY_ANNOTATION];
    const updated: Endpoints = {
      ...next,
      metadata: { ...meta, labels, annotations },
      subsets,
    };
    try {
      if (current) await client.update(RESOURCES.endpoints, updated, { namespace });
      else await client.create(RESOURCES.endpoints, updated, { namespace });
    } catch (e) {
      // Nothing can be created in a namespace being deleted; its deletion removes the Service too.
      if (namespaceTerminating(e)) return;
      throw e;
    }
    deps.logger?.debug({ service: key, addresses: countAddresses(subsets) }, current ? 'updated endpoints' : 'created endpoints');
  };
}
