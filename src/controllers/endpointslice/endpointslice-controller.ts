/**
 * The EndpointSlice controller (upstream's pkg/controller/endpointslice):
 * for every Service with a selector, IPv4 EndpointSlices named
 * `<service>-<random>` holding the selected pods (ready, serving and
 * terminating conditions, node, zone), labelled kubernetes.io/service-name
 * and endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io,
 * owned by the Service, at most `maxEndpointsPerSlice` endpoints each.
 *
 * sync(key) contract: reads the Service, pods, nodes and slices from
 * informer caches; when the slice cache has not yet caught up with this
 * controller's own last writes for the Service it rejects (retried with
 * back-off) instead of acting on stale state; writes only the slices that
 * change (see reconciler.ts).
 */
import type { Node, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Logger } from '../../api/log.js';
import { startController } from '../../client/controller.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { Informer } from '../../client/informer.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import { objectKey, splitKey } from '../../client/object-store.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import { WorkQueue } from '../../client/work-queue.js';
import { serviceSelects, serviceSelectsPods, servicesSelecting } from '../endpoint/pod-endpoint.js';
import { TriggerTimeTracker } from '../endpoint/trigger-time.js';
import { desiredPortGroups, ZONE_LABEL } from './desired-endpoints.js';
import { CONTROLLER_NAME, MANAGED_BY_LABEL, reconcileSlices, SERVICE_NAME_LABEL } from './reconciler.js';
import { podSelectorHandlers } from '../shared/pod-handlers.js';

/** Upstream's --max-endpoints-per-slice default. */
export const DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;
const SERVICE_INDEX = 'endpointslice-controller/service';

/**
 * The controller manager setting this controller reads (upstream's
 * --max-endpoints-per-slice); belongs in ControllerManagerConfig.
 */
export interface EndpointSliceConfig {
  /** @default 100 */
  maxEndpointsPerSlice: number;
}

export interface EndpointSliceControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  recorder?: EventRecorder;
  logger?: Logger;
  /** @default 100 */
  maxEndpointsPerSlice?: number;
  /** @default 5 (upstream's --concurrent-service-endpoint-syncs) */
  workers?: number;
}

/** The `namespace/service` a slice belongs to, if this controller manages it. */
export function managedSliceService(slice: EndpointSlice): string | undefined {
  const l = slice.metadata?.labels;
  if (l?.[MANAGED_BY_LABEL] !== CONTROLLER_NAME || !l[SERVICE_NAME_LABEL]) return undefined;
  return `${slice.metadata?.namespace ?? ''}/${l[SERVICE_NAME_LABEL]}`;
}

/** What this controller last wrote per Service, so a lagging cache is noticed (upstream's EndpointSliceTracker). */
class WrittenSlices {
  private readonly bySvc = new Map<string, { written: Map<string, bigint>; deleted: Set<string> }>();

  wrote(svc: string, slice: EndpointSlice): void {
    this.entry(svc).written.set(slice.metadata!.name!, BigInt(slice.metadata!.resourceVersion ?? '0'));
  }

  deleted(svc: string, name: string): void {
    const e = this.entry(svc);
    e.written.delete(name);
    e.deleted.add(name);
  }

  /** True when `cached` reflects every write recorded for `svc`; then forgets them. */
  caughtUp(svc: string, cached: readonly EndpointSlice[]): boolean {
    const e = this.bySvc.get(svc);
    if (!e) return true;
    const byName = new Map(cached.map((s) => [s.metadata!.name!, s]));
    for (const [name, rv] of e.written) {
      const c = byName.get(name);
      if (!c || BigInt(c.metadata?.resourceVersion ?? '0') < rv) return false;
    }
    for (const name of e.deleted) if (byName.has(name)) return false;
    this.bySvc.delete(svc);
    return true;
  }

  forget(svc: string): void { this.bySvc.delete(svc); }

  private entry(svc: string): { written: Map<string, bigint>; deleted: Set<string> } {
    let e = this.bySvc.get(svc);
    if (!e) this.bySvc.set(svc, e = { written: new Map(), deleted: new Set() });
    return e;
  }
}

export class StaleCacheError extends Error {}

const code = (e: unknown): number | undefined => (e as { code?: number }).code;
const namespaceTerminating = (e: unknown): boolean => code(e) === 403 && /terminat/i.test((e as Error).message ?? '');

export function startEndpointSliceController(opts: EndpointSliceControllerOptions): { stop(): Promise<void> } {
  const { logger } = opts;
  const services = opts.informers.forResource<Service>(RESOURCES.services);
  const pods = opts.informers.forResource<Pod>(RESOURCES.pods);
  const nodes = opts.informers.forResource<Node>(RESOURCES.nodes);
  const slices = opts.informers.forResource<EndpointSlice>(RESOURCES.endpointslices);
  slices.addIndex(SERVICE_INDEX, (s) => { const k = managedSliceService(s); return k ? [k] : []; });
  const queue = new WorkQueue<string>({ name: 'endpoint_slice' });

  const enqueueService = (s: Service): void => queue.add(objectKey(s));
  services.addEventHandler({ onAdd: enqueueService, onUpdate: (_o, s) => enqueueService(s), onDelete: enqueueService });
  const enqueueForPod = (pod: Pod): void => {
    for (const k of servicesSelecting(services.store.byNamespace(pod.metadata?.namespace ?? ''), pod)) queue.add(k);
  };
  pods.addEventHandler(podSelectorHandlers(enqueueForPod));
  const enqueueForSlice = (s: EndpointSlice): void => {
    const k = managedSliceService(s);
    if (k) queue.add(k);
  };
  slices.addEventHandler({ onAdd: enqueueForSlice, onUpdate: (_o, s) => enqueueForSlice(s), onDelete: enqueueForSlice });
  // A node's zone is part of each endpoint on it.
  nodes.addEventHandler({
    onUpdate: (old, node) => {
      if (old.metadata?.labels?.[ZONE_LABEL] === node.metadata?.labels?.[ZONE_LABEL]) return;
      const name = node.metadata?.name;
      const keys = new Set<string>();
      for (const pod of pods.store.list()) {
        if (pod.spec?.nodeName !== name) continue;
        for (const k of servicesSelecting(services.store.byNamespace(pod.metadata?.namespace ?? ''), pod)) keys.add(k);
      }
      for (const k of keys) queue.add(k);
    },
  });

  const sync = endpointSliceSync({
    client: opts.client, services, pods, nodes, slices, recorder: opts.recorder, logger,
    maxEndpointsPerSlice: opts.maxEndpointsPerSlice ?? DEFAULT_MAX_ENDPOINTS_PER_SLICE,
  });
  const running = startController({
    name: 'endpointslice', queue, sync, informers: [services, pods, nodes, slices], workers: opts.workers ?? 5, logger,
  });
  return { stop: () => running.stop() };
}

export interface EndpointSliceSyncDeps {
  client: RestClient;
  services: Pick<Informer<Service>, 'store'>;
  pods: Pick<Informer<Pod>, 'store'>;
  nodes: Pick<Informer<Node>, 'store'>;
  /** Must carry this controller's service index (startEndpointSliceController adds it). */
  slices: Pick<Informer<EndpointSlice>, 'store'>;
  maxEndpointsPerSlice: number;
  recorder?: EventRecorder;
  logger?: Logger;
}

/** The controller's sync(key) for one Service key (`namespace/name`). */
export function endpointSliceSync(deps: EndpointSliceSyncDeps): (key: string) => Promise<void> {
  const { client } = deps;
  const tracker = new TriggerTimeTracker();
  const written = new WrittenSlices();
  return async (key) => {
    const { namespace } = splitKey(key);
    const service = deps.services.store.get(key);
    const cached = deps.slices.store.byIndex(SERVICE_INDEX, key);
    if (!written.caughtUp(key, cached)) throw new StaleCacheError(`endpointslice cache for service ${key} is behind this controller's writes`);
    if (!service) {
      // The garbage collector removes the slices through their owner reference.
      tracker.delete(key);
      written.forget(key);
      return;
    }
    // Slices of an earlier Service of the same name are left to the garbage collector.
    const owned = cached.filter((s) => s.addressType === 'IPv4'
      && (s.metadata?.ownerReferences ?? []).some((r) => r.controller && r.uid === service.metadata?.uid));
    if (!serviceSelectsPods(service) || service.spec?.type === 'ExternalName') {
      for (const s of owned) await deleteSlice(s);
      return;
    }
    const pods = deps.pods.store.byNamespace(namespace).filter((p) => serviceSelects(service, p));
    const desired = desiredPortGroups(service, pods, (n) => deps.nodes.store.get(n));
    const triggerTime = tracker.compute(key, service, pods);
    const plan = reconcileSlices({ service, desired, existing: owned, maxEndpointsPerSlice: deps.maxEndpointsPerSlice, ...(triggerTime ? { triggerTime } : {}) });
    try {
      // Creates and updates first, deletes last, so endpoints never vanish in between.
      for (const s of plan.create) written.wrote(key, await client.create(RESOURCES.endpointslices, s, { namespace }));
      for (const s of plan.update) written.wrote(key, await client.update(RESOURCES.endpointslices, s, { namespace }));
      for (const s of plan.delete) await deleteSlice(s);
    } catch (e) {
      if (namespaceTerminating(e)) return;
      deps.recorder?.event(service, 'Warning', 'FailedToUpdateEndpointSlices',
        `Error updating Endpoint Slices for Service ${key}: ${(e as Error).message}`);
      throw e;
    }
    if (plan.create.length + plan.update.length + plan.delete.length > 0) {
      deps.logger?.debug({ service: key, created: plan.create.length, updated: plan.update.length, deleted: plan.delete.length }, 'reconciled endpointslices');
    }

    async function deleteSlice(s: EndpointSlice): Promise<void> {
      try {
        await client.delete(RESOURCES.endpointslices, s.metadata!.name!, { namespace, preconditions: { uid: s.metadata!.uid! } });
      } catch (e) {
        if (code(e) !== 404) throw e;
      }
      written.deleted(key, s.metadata!.name!);
    }
  };
}
