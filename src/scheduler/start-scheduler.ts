/**
 * startScheduler: the scheduler as a client of the API server. It watches
 * pods, nodes and the objects plugins consult through shared informers, and
 * schedules while it holds the `kube-system/kube-scheduler` Lease (or at
 * once, without leader election). Each profile of the configuration is a
 * schedulerName it answers to; pods naming another scheduler are left alone.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { PriorityClass } from 'kubernetes-types/scheduling/v1.js';
import type { Logger } from '../api/log.js';
import {
  EventRecorder, InformerFactory, RESOURCES, resourceDescriptor, startLeaderElection, type ApiObject, type Informer, type RestClient,
} from '../client/index.js';
import { SchedulerCache } from './cache.js';
import { validateSchedulerConfig, type KubeSchedulerConfiguration } from './config.js';
import { addAllEventHandlers } from './event-handlers.js';
import { Framework } from './framework/framework.js';
import type { ClusterEvent, Listers } from './framework/interface.js';
import { schedulerMetrics } from './metrics.js';
import { IN_TREE_PLUGINS } from './plugins/registry.js';
import { SchedulingQueue } from './queue.js';
import { Scheduler } from './schedule-one.js';

export interface SchedulerOptions {
  /** Writes: bindings, pod status, events, preemption deletes, the Lease. */
  client: RestClient;
  /** Informers' list and watch (one connection per watched resource). */
  informerClient: RestClient;
  logger: Logger;
  /** A KubeSchedulerConfiguration (see loadSchedulerConfig); validated and defaulted here. @default upstream's defaults */
  config?: KubeSchedulerConfiguration;
  /** Schedule only while holding the Lease. @default config.leaderElection.leaderElect, else true */
  leaderElect?: boolean;
  /** Leader election identity. @default `<hostname>_<uuid>` */
  identity?: string;
}

export interface RunningScheduler {
  /** Resolves once the informers have synced (scheduling starts when also leading). */
  readonly synced: Promise<boolean>;
  isLeader(): boolean;
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly profiles: ReadonlyMap<string, Framework>;
  /** Stops scheduling, waits for binding cycles in flight, stops the informers; gives up the Lease. */
  stop(): Promise<void>;
}

/** The informers (and listers) a scheduler or why-pending reads. */
export interface SchedulerInformers {
  factory: InformerFactory;
  pods: Informer<Pod & ApiObject>;
  nodes: Informer<Node & ApiObject>;
  listers: Listers;
  all: { pvcs: Informer; pvs: Informer; storageClasses: Informer; namespaces: Informer; services: Informer };
}

export function schedulerInformers(client: RestClient, logger?: Logger): SchedulerInformers {
  const factory = new InformerFactory(client, logger ? { logger } : {});
  const f = <T extends ApiObject = ApiObject>(r: Parameters<InformerFactory['forResource']>[0]): Informer<T> => factory.forResource<T>(r);
  const pods = f<Pod & ApiObject>(RESOURCES.pods);
  const nodes = f<Node & ApiObject>(RESOURCES.nodes);
  const pvcs = f(RESOURCES.persistentvolumeclaims);
  const pvs = f(RESOURCES.persistentvolumes);
  const storageClasses = f(RESOURCES.storageclasses);
  const namespaces = f(RESOURCES.namespaces);
  const services = f(RESOURCES.services);
  const listers: Listers = {
    pods: pods.store, namespaces: namespaces.store, persistentVolumeClaims: pvcs.store, persistentVolumes: pvs.store,
    storageClasses: storageClasses.store, services: services.store,
    priorityClasses: f(RESOURCES.priorityclasses).store,
    podDisruptionBudgets: f(RESOURCES.poddisruptionbudgets).store,
    replicaSets: f(RESOURCES.replicasets).store,
    statefulSets: f(RESOURCES.statefulsets).store,
    replicationControllers: f(resourceDescriptor('', 'v1', 'replicationcontrollers')).store,
  };
  return { factory, pods, nodes, listers, all: { pvcs, pvs, storageClasses, namespaces, services } };
}

/**
 * spec.priority as admission set it; when the server did not resolve it,
 * the named PriorityClass's value, or the global default's.
 */
export function priorityResolver(listers: Listers): (pod: Pod) => number | undefined {
  return (pod) => {
    const name = pod.spec?.priorityClassName;
    if (name) return (listers.priorityClasses.get(name) as PriorityClass | undefined)?.value;
    let best: number | undefined;
    for (const o of listers.priorityClasses.list()) {
      const pc = o as PriorityClass;
      if (pc.globalDefault && (best === undefined || pc.value < best)) best = pc.value;
    }
    return best;
  };
}

export function startScheduler(opts: SchedulerOptions): RunningScheduler {
  const cfg = validateSchedulerConfig(opts.config ?? {}, new Set(Object.keys(IN_TREE_PLUGINS)));
  const log = opts.logger;
  const metrics = schedulerMetrics();
  const inf = schedulerInformers(opts.informerClient, log);
  const cache = new SchedulerCache();
  const resolvePriority = priorityResolver(inf.listers);
  let queueRef: SchedulingQueue | undefined;
  const nominator = {
    nominatedPodsForNode: (n: string) => queueRef?.nominatedPodsForNode(n) ?? [],
    hasNominatedPods: () => queueRef?.hasNominatedPods() ?? false,
  };
  const profiles = new Map<string, Framework>();
  const recorders = new Map<string, EventRecorder>();
  for (const p of cfg.profiles) {
    const name = p.schedulerName!;
    const recorder = new EventRecorder({ client: opts.client, component: name, logger: log });
    recorders.set(name, recorder);
    profiles.set(name, new Framework(p, {
      snapshot: cache, listers: inf.listers, nominator, client: opts.client, recorder, logger: log.child({ profile: name }), schedulerName: name,
    }));
  }
  const first = profiles.values().next().value!;
  const eventMatters = (plugins: ReadonlySet<string>, ev: ClusterEvent): boolean => {
    for (const fwk of profiles.values()) {
      for (const name of plugins) {
        if (fwk.events.get(name)?.some((e) => e.resource === ev.resource && e.action === ev.action)) return true;
      }
    }
    return false;
  };
  const queue = new SchedulingQueue({
    less: first.queueSort.less, eventMatters,
    initialBackoffMs: cfg.podInitialBackoffSeconds * 1000, maxBackoffMs: cfg.podMaxBackoffSeconds * 1000,
  });
  queueRef = queue;
  const responsibleFor = (pod: Pod): boolean => profiles.has(pod.spec?.schedulerName ?? 'default-scheduler');
  addAllEventHandlers({ cache, queue, responsibleFor, resolvePriority }, {
    pods: inf.pods, nodes: inf.nodes, ...inf.all,
  });
  inf.factory.start();
  queue.run();
  const gauges = setInterval(() => {
    const s = queue.sizes();
    metrics.pendingPods.set({ queue: 'active' }, s.active);
    metrics.pendingPods.set({ queue: 'backoff' }, s.backoff);
    metrics.pendingPods.set({ queue: 'unschedulable' }, s.unschedulable);
  }, 1000);
  gauges.unref();

  const stopAll = new AbortController();
  const synced = inf.factory.waitForSync(stopAll.signal);
  let term: { sched: Scheduler; done: Promise<void> } | undefined;
  const startTerm = async (signal?: AbortSignal): Promise<void> => {
    if (!(await synced) || signal?.aborted || stopAll.signal.aborted) return;
    const sched = new Scheduler({
      cache, queue, profiles, recorders, client: opts.client, pods: inf.pods.store, resolvePriority, metrics, logger: log,
      percentageOfNodesToScore: cfg.percentageOfNodesToScore, parallelism: cfg.parallelism,
    });
    term = { sched, done: sched.run() };
    log.info({ profiles: [...profiles.keys()] }, 'scheduler started');
    signal?.addEventListener('abort', () => sched.stop(), { once: true });
  };

  const leaderElect = opts.leaderElect ?? cfg.leaderElection?.leaderElect ?? true;
  const le = leaderElect ? startLeaderElection({
    client: opts.client,
    namespace: cfg.leaderElection?.resourceNamespace ?? 'kube-system',
    name: cfg.leaderElection?.resourceName ?? 'kube-scheduler',
    identity: opts.identity ?? `${hostname()}_${randomUUID()}`,
    logger: log,
    onStartedLeading: (signal) => startTerm(signal),
    onStoppedLeading: () => { term?.sched.stop(); },
  }) : undefined;
  if (!le) void startTerm();

  return {
    synced, cache, queue, profiles,
    isLeader: () => (le ? le.isLeader() : true),
    async stop() {
      stopAll.abort();
      term?.sched.stop();
      queue.close();
      await le?.stop();
      await term?.done;
      clearInterval(gauges);
      await inf.factory.stop();
    },
  };
}
