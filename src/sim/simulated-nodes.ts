/**
 * startSimulatedNodes: registers N simulated nodes with an API server, keeps
 * them alive with Lease heartbeats, and moves the pods bound to them through
 * stages, all from one node informer and one pod informer.
 */
import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import { createLogger, type Logger } from '../api/log.js';
import { isNodeReady } from '../api/pods/index.js';
import { Informer, RESOURCES, WorkQueue, startController, type RestClient, type RunningController } from '../client/index.js';
import { nthHost, parseIpv4Cidr } from './cidr.js';
import { Limiter } from './limiter.js';
import { NodeHeartbeats } from './node-heartbeat.js';
import { nodeObject, nodeLabels, nodeStatus, type NodeTemplate } from './node-object.js';
import { PodIpAllocator } from './pod-ip-allocator.js';
import { PodStageController } from './pod-stage-controller.js';
import { defaultPodStages, type Stage } from './stages/index.js';
import { SIMULATED_LABEL, STOPPED_ANNOTATION } from './well-known.js';
import { nowRfc3339Seconds } from '../api/time.js';

export interface SimulatedNodesOptions {
  client: RestClient;
  /** Client for the two watches. @default client */
  informerClient?: RestClient;
  /** @default a logger named 'simulated-nodes' */
  logger?: Logger;
  /** How many nodes: `${namePrefix}0` ... `${namePrefix}${count - 1}`. */
  count: number;
  /** @default 'sim-node-' */
  namePrefix?: string;
  /** Merged over the defaults: cpu 32, memory 256Gi, pods 110, ephemeral-storage 1Ti. */
  capacity?: Record<string, string>;
  /** @default capacity */
  allocatable?: Record<string, string>;
  /** Extra labels on every node. */
  labels?: Record<string, string>;
  taints?: Taint[];
  /** @default 'sim.standard' */
  instanceType?: string;
  /** Node InternalIPs, one per node in index order. @default '172.16.0.0/12' */
  nodeIPRange?: string;
  /** Lease renewal period. @default 10000 */
  heartbeatIntervalMs?: number;
  /** Status is reported at least this often (kubelet's nodeStatusReportFrequency). @default 300000 */
  statusReportIntervalMs?: number;
  /** Pod stages, first match wins. @default defaultPodStages() */
  stages?: readonly Stage[];
  /** @default the API server's gitVersion, else v0.0.0-sim */
  kubeletVersion?: string;
  /** Writes in flight at once during registration. @default 48 */
  registrationConcurrency?: number;
  /** Heartbeat writes in flight at once. @default 32 */
  heartbeatConcurrency?: number;
  /** Pod stage writes in flight at once. @default 16 */
  podWorkers?: number;
}

/** A running set of simulated nodes. */
export interface SimulatedNodes {
  /** Names of every node this process simulates. */
  nodes(): string[];
  /** Stops heartbeats and pod handling of `name` (as if its kubelet died); the Node object stays. Throws for a node not ours. */
  stopNode(name: string): void;
  /** Undoes stopNode; a node annotated sim.k8ts.io/stopped=true stays stopped until the annotation goes. */
  startNode(name: string): void;
  /** True when the node writes nothing (stopNode or the annotation). */
  isStopped(name: string): boolean;
  /** Lease writes of `name` since start (its first, creating or taking the Lease, included). */
  leaseRenewals(name: string): number;
  /** Milliseconds from start to every node registered. */
  readonly registrationMs: number;
  /** Stops everything this process does; nodes and their pods are left as they are. */
  stop(): Promise<void>;
}

export const DEFAULT_CAPACITY: Readonly<Record<string, string>> = Object.freeze({
  cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '1Ti',
});

async function serverVersion(client: RestClient): Promise<string | undefined> {
  try {
    return (await client.request<{ gitVersion?: string }>('GET', '/version')).gitVersion;
  } catch {
    return undefined;
  }
}

/**
 * Creates the node, or adopts an existing one of that name (keeping its
 * podCIDR, if it has one); returns it as the server has it.
 */
async function registerNode(client: RestClient, t: NodeTemplate): Promise<Node> {
  try {
    return await client.create<Node>(RESOURCES.nodes, nodeObject(t, nowRfc3339Seconds()));
  } catch (e) {
    if ((e as { code?: unknown }).code !== 409) throw e;
  }
  const existing = await client.get<Node>(RESOURCES.nodes, t.name);
  await client.patch(RESOURCES.nodes, t.name, { metadata: { labels: nodeLabels(t) } });
  await client.patch(RESOURCES.nodes, t.name, { status: nodeStatus(t, nowRfc3339Seconds(), existing.status) }, { subresource: 'status' });
  return existing;
}

/** The node's IPv4 podCIDR (pods get IPv4 addresses only), if it has one yet. */
function ipv4PodCIDR(node: Node): string | undefined {
  const cidrs = node.spec?.podCIDRs?.length ? node.spec.podCIDRs : node.spec?.podCIDR ? [node.spec.podCIDR] : [];
  return cidrs.find((c) => !c.includes(':'));
}

/** Registers the nodes, starts their heartbeats and pod stages; resolves once every node is registered. */
export async function startSimulatedNodes(opts: SimulatedNodesOptions): Promise<SimulatedNodes> {
  const started = performance.now();
  const { client } = opts;
  const log = opts.logger ?? createLogger('simulated-nodes');
  const prefix = opts.namePrefix ?? 'sim-node-';
  if (!Number.isInteger(opts.count) || opts.count < 0) throw new Error(`invalid node count ${opts.count}`);
  const nodeRange = parseIpv4Cidr(opts.nodeIPRange ?? '172.16.0.0/12');
  const capacity = { ...DEFAULT_CAPACITY, ...opts.capacity };
  const kubeletVersion = opts.kubeletVersion ?? (await serverVersion(client)) ?? 'v0.0.0-sim';

  const templates = new Map<string, NodeTemplate>();
  for (let i = 0; i < opts.count; i++) {
    const name = `${prefix}${i}`;
    templates.set(name, {
      name, capacity, kubeletVersion,
      internalIP: nthHost(nodeRange, i),
      ...(opts.allocatable ? { allocatable: { ...opts.allocatable } } : {}),
      ...(opts.labels ? { labels: opts.labels } : {}),
      ...(opts.taints ? { taints: opts.taints } : {}),
      ...(opts.instanceType ? { instanceType: opts.instanceType } : {}),
    });
  }

  const handleStopped = new Set<string>();
  const annotatedStopped = new Set<string>();
  const ips = new PodIpAllocator();
  const nodeInformer = new Informer<Node>(opts.informerClient ?? client, RESOURCES.nodes, {
    labelSelector: `${SIMULATED_LABEL}=true`, logger: log,
  });
  const heartbeats = new NodeHeartbeats({
    client, logger: log, limiter: new Limiter(opts.heartbeatConcurrency ?? 32),
    intervalMs: opts.heartbeatIntervalMs, statusReportIntervalMs: opts.statusReportIntervalMs,
    cachedNode: (name) => nodeInformer.store.get(name),
  });
  const isStopped = (name: string): boolean => handleStopped.has(name) || annotatedStopped.has(name);
  const pods = new PodStageController({
    client, informerClient: opts.informerClient, logger: log, ips, workers: opts.podWorkers,
    stages: opts.stages ?? defaultPodStages(),
    nodes: {
      owns: (n) => templates.has(n),
      isStopped,
      hostIP: (n) => nodeInformer.store.get(n)?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? templates.get(n)!.internalIP,
    },
  });

  /** Applies a change of stopped state to heartbeats and pods. */
  const reconcileStopped = (name: string): void => {
    if (isStopped(name)) {
      if (!heartbeats.isPaused(name)) { heartbeats.pause(name); log.info({ node: name }, 'simulated node stopped'); }
    } else if (heartbeats.isPaused(name)) {
      heartbeats.resume(name);
      pods.resyncNode(name);
      log.info({ node: name }, 'simulated node started');
    }
  };

  const nodeQueue = new WorkQueue<string>({ name: 'simulated-nodes', metrics: false });
  const syncNode = async (name: string): Promise<void> => {
    const node = nodeInformer.store.get(name);
    const t = templates.get(name);
    if (!node || !t) return;
    // Pods that waited for the node's podCIDR (from the node IPAM controller) go on once it has one.
    const podCIDR = ipv4PodCIDR(node);
    if (podCIDR && ips.setNodeCidr(name, podCIDR)) pods.resyncNode(name);
    if (node.metadata?.annotations?.[STOPPED_ANNOTATION] === 'true') annotatedStopped.add(name);
    else annotatedStopped.delete(name);
    reconcileStopped(name);
    // Someone else (a node lifecycle controller) marked it not Ready while it runs: say otherwise now.
    if (!isStopped(name) && !isNodeReady(node)) heartbeats.reportSoon(name);
  };
  nodeInformer.addEventHandler({
    onAdd: (n) => { if (templates.has(n.metadata!.name!)) nodeQueue.add(n.metadata!.name!); },
    onUpdate: (_o, n) => { if (templates.has(n.metadata!.name!)) nodeQueue.add(n.metadata!.name!); },
  });

  // Register every node (bounded), then heartbeats start per node as soon as it exists.
  const reg = new Limiter(opts.registrationConcurrency ?? 48);
  let failed: unknown;
  await Promise.all([...templates.values()].map((t) => reg.run(async () => {
    if (failed) return;
    try {
      const n = await registerNode(client, t);
      const podCIDR = ipv4PodCIDR(n);
      if (podCIDR) ips.setNodeCidr(t.name, podCIDR);
      if (n.metadata?.annotations?.[STOPPED_ANNOTATION] === 'true') annotatedStopped.add(t.name);
      heartbeats.add(t, { uid: n.metadata?.uid ?? '', paused: isStopped(t.name) });
    } catch (e) {
      failed ??= e;
    }
  })));
  if (failed) {
    heartbeats.stop();
    throw new Error(`registering simulated nodes: ${failed instanceof Error ? failed.message : String(failed)}`, { cause: failed });
  }
  const registrationMs = Math.round(performance.now() - started);
  log.info({ nodes: opts.count, namePrefix: prefix, registrationMs }, 'simulated nodes registered');

  const nodeController: RunningController = startController({
    name: 'simulated-nodes', queue: nodeQueue, informers: [nodeInformer], workers: 2,
    sync: syncNode, logger: log, maxRetries: -1,
  });
  pods.start();

  const own = (name: string): void => {
    if (!templates.has(name)) throw new Error(`node ${JSON.stringify(name)} is not simulated here`);
  };
  return {
    registrationMs,
    nodes: () => [...templates.keys()],
    stopNode(name) { own(name); handleStopped.add(name); reconcileStopped(name); },
    startNode(name) { own(name); handleStopped.delete(name); reconcileStopped(name); },
    isStopped,
    leaseRenewals: (name) => heartbeats.renewals(name),
    async stop() {
      heartbeats.stop();
      nodeQueue.shutDown();
      await Promise.all([nodeController.stop(), pods.stop(), nodeInformer.stop()]);
    },
  };
}
