/**
 * The cloud node controller (upstream's k8s.io/cloud-provider/controllers/node):
 * a Node registered with the taint node.cloudprovider.kubernetes.io/uninitialized
 * (a kubelet run with --cloud-provider=external) gets from the provider its
 * spec.providerID (when empty), its instance-type, zone and region labels
 * (the GA and the beta keys, as upstream) and its addresses; then the taint
 * is removed, in the same update, so the scheduler sees it only initialized.
 * Initialized nodes get their addresses refreshed every statusUpdatePeriodMs.
 */
import type { Node, NodeAddress } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { EventRecorder, InformerFactory, RESOURCES, RestClient, WorkQueue, startController } from '../../client/index.js';
import { TAINT_EXTERNAL_CLOUD_PROVIDER, type InstanceMetadata } from '../cloud-provider.js';
import type { NodeInstances } from '../instances.js';
import { updateNode } from '../node-update.js';

export const LABEL_INSTANCE_TYPE = 'node.kubernetes.io/instance-type';
export const LABEL_INSTANCE_TYPE_BETA = 'beta.kubernetes.io/instance-type';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';
export const LABEL_ZONE_BETA = 'failure-domain.beta.kubernetes.io/zone';
export const LABEL_REGION = 'topology.kubernetes.io/region';
export const LABEL_REGION_BETA = 'failure-domain.beta.kubernetes.io/region';

export interface CloudNodeControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  instances: NodeInstances;
  /** Events as `cloud-node-controller`. */
  recorder: EventRecorder;
  logger?: Logger;
  /** Address refresh of initialized nodes. @default 300000 (upstream's --node-status-update-frequency) */
  statusUpdatePeriodMs?: number;
  /** @default 1 (upstream's --concurrent-node-syncs) */
  workers?: number;
}

const isUninitialized = (n: Node): boolean => (n.spec?.taints ?? []).some((t) => t.key === TAINT_EXTERNAL_CLOUD_PROVIDER);

/** The node with the provider's metadata applied and the uninitialized taint removed; the input is not changed. */
export function initializedNode(node: Node, meta: InstanceMetadata): Node {
  const labels = { ...(node.metadata?.labels ?? {}) };
  if (meta.instanceType) { labels[LABEL_INSTANCE_TYPE] = meta.instanceType; labels[LABEL_INSTANCE_TYPE_BETA] = meta.instanceType; }
  if (meta.zone) { labels[LABEL_ZONE] = meta.zone; labels[LABEL_ZONE_BETA] = meta.zone; }
  if (meta.region) { labels[LABEL_REGION] = meta.region; labels[LABEL_REGION_BETA] = meta.region; }
  const taints = (node.spec?.taints ?? []).filter((t) => t.key !== TAINT_EXTERNAL_CLOUD_PROVIDER);
  const spec = { ...(node.spec ?? {}), providerID: node.spec?.providerID || meta.providerID };
  if (taints.length) spec.taints = taints; else delete spec.taints;
  return { ...node, metadata: { ...node.metadata, labels }, spec };
}

const addressesEqual = (a: NodeAddress[] | undefined, b: NodeAddress[]): boolean =>
  JSON.stringify((a ?? []).map((x) => [x.type, x.address])) === JSON.stringify(b.map((x) => [x.type, x.address]));

export function startCloudNodeController(opts: CloudNodeControllerOptions): { stop(): Promise<void> } {
  const { client, instances, recorder } = opts;
  const nodes = opts.informers.forResource<Node>(RESOURCES.nodes);
  const queue = new WorkQueue<string>({ name: 'cloud-node' });
  nodes.addEventHandler({
    onAdd: (n) => { if (isUninitialized(n)) queue.add(n.metadata!.name!); },
    onUpdate: (_o, n) => { if (isUninitialized(n)) queue.add(n.metadata!.name!); },
  });
  const refresh = setInterval(() => { for (const name of nodes.store.listKeys()) queue.add(name); }, opts.statusUpdatePeriodMs ?? 300_000);
  refresh.unref();

  async function updateNodeAddresses(node: Node, addresses: NodeAddress[]): Promise<void> {
    if (addresses.length === 0 || addressesEqual(node.status?.addresses, addresses)) return;
    await client.patch(RESOURCES.nodes, node.metadata!.name!, { status: { addresses } }, { subresource: 'status' });
  }

  const sync = async (name: string): Promise<void> => {
    const node = nodes.store.get(name);
    if (!node) return;
    const ref = { ...node, apiVersion: 'v1', kind: 'Node' };
    if (!isUninitialized(node)) {
      await updateNodeAddresses(node, (await instances.instanceMetadata(node)).nodeAddresses);
      return;
    }
    let meta: InstanceMetadata;
    try {
      meta = await instances.instanceMetadata(node);
    } catch (e) {
      recorder.event(ref, 'Warning', 'FailedToInitialize', `Failed to initialize node: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
    let updated: Node | undefined;
    try {
      updated = await updateNode(client, name, (n) => (isUninitialized(n) ? initializedNode(n, meta) : undefined));
    } catch (e) {
      if ((e as { code?: number }).code === 404) return;
      throw e;
    }
    if (!updated) return;
    await updateNodeAddresses(updated, meta.nodeAddresses);
    opts.logger?.info({ node: name, providerID: updated.spec?.providerID }, 'node initialized by the cloud provider');
    recorder.event(ref, 'Normal', 'Synced', 'Node synced successfully');
  };

  const controller = startController({
    name: 'cloud-node-controller', queue, sync, informers: [nodes], workers: opts.workers ?? 1, ...(opts.logger ? { logger: opts.logger } : {}),
  });
  return { stop: async () => { clearInterval(refresh); await controller.stop(); } };
}
