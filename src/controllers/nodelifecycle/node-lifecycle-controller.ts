/**
 * The node lifecycle controller (upstream's NodeLifecycleController): every
 * nodeMonitorPeriod it checks each node's Lease and heartbeats; a node silent
 * for nodeMonitorGracePeriod gets its kubelet conditions set to Unknown
 * ("Kubelet stopped posting node status."), its pods marked not Ready, and
 * the unreachable taints. It keeps the condition taints (not-ready,
 * unreachable, pressure, unschedulable: NoSchedule) and the not-ready /
 * unreachable NoExecute taints in line with the node's conditions, and
 * removes them once the kubelet reports Ready again. Evicting pods from
 * NoExecute-tainted nodes is the taint eviction controller's job.
 *
 * Simplified from upstream: NoExecute taints are applied at once, without
 * --node-eviction-rate limiting or per-zone disruption states.
 *
 * sync(nodeName) contract: NotFound is done (its health record is dropped);
 * reads come from the informers; writes are a status PATCH (conditions), a
 * spec PATCH (taints, with the resourceVersion read so a concurrent change
 * conflicts and retries) and pod status PATCHes; any write failure rejects,
 * so the key is retried with back-off.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { nodeCondition } from '../../api/pods/conditions.js';
import type { Logger } from '../../api/log.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import type { RestClient } from '../../client/rest-client.js';
import { RESOURCES } from '../../client/resource.js';
import { WorkQueue } from '../../client/work-queue.js';
import { ItemExponentialRateLimiter } from '../../client/rate-limiter.js';
import { startController } from '../../client/controller.js';
import { NODE_LEASE_NAMESPACE, NodeHealthTracker, unknownConditions } from './node-health.js';
import { desiredTaints, sameTaints } from './node-taints.js';
import { POD_NODE_NAME_INDEX, addPodNodeNameIndex } from './pod-index.js';
import { rfc3339Seconds } from '../../api/time.js';

export interface NodeLifecycleControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  recorder: EventRecorder;
  logger: Logger;
  /** @default 40000 */
  nodeMonitorGracePeriodMs?: number;
  /** @default 5000 */
  nodeMonitorPeriodMs?: number;
  /** @default 1 */
  workers?: number;
  /** @default Date.now */
  now?: () => number;
}

export function startNodeLifecycleController(opts: NodeLifecycleControllerOptions): { stop(): Promise<void> } {
  const grace = opts.nodeMonitorGracePeriodMs ?? 40_000;
  const period = opts.nodeMonitorPeriodMs ?? 5_000;
  const now = opts.now ?? Date.now;
  const { client, recorder, logger } = opts;
  const nodes = opts.informers.forResource<Node>(RESOURCES.nodes);
  const leases = opts.informers.forResource<Lease>(RESOURCES.leases);
  const pods = opts.informers.forResource<Pod>(RESOURCES.pods);
  addPodNodeNameIndex(pods);
  const health = new NodeHealthTracker();
  const queue = new WorkQueue<string>({
    name: 'node_lifecycle_controller',
    rateLimiter: new ItemExponentialRateLimiter<string>({ baseMs: 50, maxMs: 10_000 }),
  });

  const enqueueNode = (n: Node): void => { if (n.metadata?.name) queue.add(n.metadata.name); };
  nodes.addEventHandler({
    onAdd: (n) => {
      enqueueNode(n);
      recorder.event(n, 'Normal', 'RegisteredNode', `Node ${n.metadata?.name} event: Registered Node ${n.metadata?.name} in Controller`);
    },
    onUpdate: (_o, n) => enqueueNode(n),
    onDelete: (n) => {
      health.forget(n.metadata?.name ?? '');
      recorder.event(n, 'Normal', 'RemovingNode', `Node ${n.metadata?.name} event: Removing Node ${n.metadata?.name} from Controller`);
    },
  });
  const enqueueLease = (l: Lease): void => {
    if (l.metadata?.namespace === NODE_LEASE_NAMESPACE && l.metadata.name) queue.add(l.metadata.name);
  };
  leases.addEventHandler({ onAdd: enqueueLease, onUpdate: (_o, l) => enqueueLease(l) });
  // A Ready pod landing on a node that is not Ready gets marked, as upstream's podUpdated does.
  const enqueuePodNode = (p: Pod): void => {
    const nodeName = p.spec?.nodeName;
    if (!nodeName) return;
    const node = nodes.store.get(nodeName);
    if (node && nodeCondition(node, 'Ready')?.status !== 'True') queue.add(nodeName);
  };
  pods.addEventHandler({ onAdd: enqueuePodNode, onUpdate: (_o, p) => enqueuePodNode(p) });

  const markPodsNotReady = async (node: Node): Promise<void> => {
    const nodeName = node.metadata!.name!;
    for (const pod of pods.store.byIndex(POD_NODE_NAME_INDEX, nodeName)) {
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False' || pod.metadata?.deletionTimestamp) continue;
      const t = rfc3339Seconds(now());
      try {
        await client.patch(RESOURCES.pods, pod.metadata!.name!, {
          metadata: { uid: pod.metadata!.uid },
          status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: t }] },
        }, { namespace: pod.metadata!.namespace!, subresource: 'status', type: 'strategic' });
      } catch (e) {
        if ((e as { code?: number }).code === 404) continue;
        throw e;
      }
      recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      logger.debug({ pod: `${pod.metadata!.namespace}/${pod.metadata!.name}`, node: nodeName }, 'marked pod not ready');
    }
  };

  const sync = async (name: string): Promise<void> => {
    const cached = nodes.store.get(name);
    if (!cached) { health.forget(name); return; }
    const nowMs = now();
    const nowTime = rfc3339Seconds(nowMs);
    let node = cached;
    const probeMs = health.observe(node, leases.store.get(`${NODE_LEASE_NAMESPACE}/${name}`), nowMs);
    const wasReady = nodeCondition(node, 'Ready')?.status === 'True';
    if (nowMs - probeMs > grace) {
      const conditions = unknownConditions(node, nowTime);
      if (conditions) {
        node = await client.patch<Node>(RESOURCES.nodes, name, {
          metadata: { resourceVersion: node.metadata?.resourceVersion }, status: { conditions },
        }, { subresource: 'status' });
        logger.info({ node: name, silentMs: nowMs - probeMs }, 'node stopped posting status; conditions set to Unknown');
        if (wasReady) recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      }
    } else {
      // Re-check when the grace period would run out without a renewal.
      queue.addAfter(name, probeMs + grace - nowMs + 1);
    }
    const taints = desiredTaints(node, nowTime);
    if (!sameTaints(taints, node.spec?.taints ?? [])) {
      node = await client.patch<Node>(RESOURCES.nodes, name, {
        metadata: { resourceVersion: node.metadata?.resourceVersion }, spec: { taints },
      });
      logger.info({ node: name, taints: taints.map((t) => `${t.key}:${t.effect}`) }, 'updated node taints');
    }
    if (nodeCondition(node, 'Ready') && nodeCondition(node, 'Ready')?.status !== 'True') await markPodsNotReady(node);
  };

  const running = startController({
    name: 'node-lifecycle', queue, sync, informers: [nodes, leases, pods], workers: opts.workers ?? 1, logger,
  });
  const ticker = setInterval(() => {
    if (!nodes.hasSynced()) return;
    for (const key of nodes.store.listKeys()) queue.add(key);
  }, period);
  ticker.unref();
  return {
    async stop() {
      clearInterval(ticker);
      await running.stop();
    },
  };
}
