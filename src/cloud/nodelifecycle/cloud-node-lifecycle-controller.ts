/**
 * The cloud node lifecycle controller (upstream's
 * k8s.io/cloud-provider/controllers/nodelifecycle): every monitor period,
 * each Node whose Ready condition is not True is asked about: shut down in
 * the cloud, it gets the taint node.cloudprovider.kubernetes.io/shutdown
 * (NoSchedule); gone from the cloud, the Node is deleted (event DeletingNode).
 * A Ready node loses the shutdown taint. An error about one node is logged
 * and the next period asks again.
 */
import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { EventRecorder, InformerFactory, RESOURCES, RestClient } from '../../client/index.js';
import { TAINT_NODE_SHUTDOWN } from '../cloud-provider.js';
import type { NodeInstances } from '../instances.js';
import { updateNode } from '../node-update.js';

export interface CloudNodeLifecycleControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  instances: NodeInstances;
  /** Events as `cloud-node-lifecycle-controller`. */
  recorder: EventRecorder;
  logger?: Logger;
  /** @default 5000 (upstream's --node-monitor-period) */
  monitorPeriodMs?: number;
}

const SHUTDOWN_TAINT: Taint = { key: TAINT_NODE_SHUTDOWN, effect: 'NoSchedule' };

function readyStatus(n: Node): string {
  return n.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown';
}

const hasShutdownTaint = (n: Node): boolean => (n.spec?.taints ?? []).some((t) => t.key === TAINT_NODE_SHUTDOWN);

export function startCloudNodeLifecycleController(opts: CloudNodeLifecycleControllerOptions): { stop(): Promise<void> } {
  const { client, instances, recorder, logger: log } = opts;
  const nodes = opts.informers.forResource<Node>(RESOURCES.nodes);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  /** Adds or removes the shutdown taint on the Node as it is now. */
  async function setShutdownTaint(name: string, present: boolean): Promise<void> {
    await updateNode(client, name, (n) => {
      const others = (n.spec?.taints ?? []).filter((t) => t.key !== TAINT_NODE_SHUTDOWN);
      if (hasShutdownTaint(n) === present) return undefined;
      const taints = present ? [...others, { ...SHUTDOWN_TAINT }] : others;
      return { ...n, spec: { ...n.spec, taints } };
    });
  }

  async function monitorNode(node: Node): Promise<void> {
    const name = node.metadata!.name!;
    if (readyStatus(node) === 'True') {
      if (hasShutdownTaint(node)) await setShutdownTaint(name, false);
      return;
    }
    if (await instances.instanceShutdown(node)) {
      if (!hasShutdownTaint(node)) await setShutdownTaint(name, true);
      return;
    }
    if (await instances.instanceExists(node)) return;
    log?.info({ node: name }, 'deleting node since it is no longer present in cloud provider');
    recorder.event({ ...node, apiVersion: 'v1', kind: 'Node' }, 'Normal', 'DeletingNode', `Deleting node ${name} because it does not exist in the cloud provider`);
    try {
      await client.delete(RESOURCES.nodes, name, { preconditions: { uid: node.metadata!.uid! } });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  }

  async function monitorNodes(): Promise<void> {
    for (const node of nodes.store.list()) {
      if (stopped) return;
      try {
        await monitorNode(node);
      } catch (e) {
        log?.warn({ node: node.metadata?.name, err: e instanceof Error ? e.message : String(e) }, 'cloud node lifecycle: checking the node failed');
      }
    }
  }

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => { running = monitorNodes().finally(schedule); }, opts.monitorPeriodMs ?? 5000);
  };
  nodes.start();
  void nodes.waitForSync().then((ok) => { if (ok) schedule(); });
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
