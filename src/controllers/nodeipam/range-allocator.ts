/**
 * The node IPAM controller with upstream's range allocator
 * (pkg/controller/nodeipam/ipam/range_allocator.go): every Node without
 * spec.podCIDRs gets one node CIDR from each cluster CIDR, patched as
 * upstream's PatchNodeCIDRs does (a strategic merge patch of spec.podCIDR
 * and spec.podCIDRs). Nodes that have podCIDRs mark them used: all of them
 * once the node informer has synced, before any allocation, so a restart
 * hands out no CIDR twice. A deleted Node's CIDRs are released.
 *
 * A full range records the Warning event `CIDRNotAvailable` on the Node
 * ("Node <name> status is now: CIDRNotAvailable", source cidrAllocator) and
 * the node is retried with back-off, and at once whenever a CIDR is released.
 *
 * Where k8ts differs: a node whose podCIDR lies outside the cluster CIDR
 * (or cannot be parsed) is logged and left alone; upstream fails the
 * controller's start on one found at start ("This error will keep crashing
 * controller-manager"), which here would stop every controller of the thread.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import { startController, type SyncableInformer } from '../../client/controller.js';
import { ItemExponentialRateLimiter } from '../../client/rate-limiter.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import { WorkQueue } from '../../client/work-queue.js';
import { CidrOutOfRangeError, CidrRangeFullError, CidrSet } from './cidr-set.js';
import { formatCIDR, parseCIDR, type IPNet } from './ip-net.js';
import type { NodeIpamParams } from './params.js';

/** Upstream's cidrUpdateWorkers and cidrUpdateRetries. */
const CIDR_UPDATE_WORKERS = 30;
const CIDR_UPDATE_RETRIES = 3;

export interface NodeIpamControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  /** Records as upstream's range allocator does: component `cidrAllocator`. */
  recorder: EventRecorder;
  params: NodeIpamParams;
  logger?: Logger;
  /** @default 30 (upstream's cidrUpdateWorkers) */
  workers?: number;
}

/** The podCIDRs a Node holds: spec.podCIDRs, else spec.podCIDR alone. */
export function nodePodCIDRs(node: Node): string[] {
  if (node.spec?.podCIDRs?.length) return node.spec.podCIDRs;
  return node.spec?.podCIDR ? [node.spec.podCIDR] : [];
}

export function startNodeIpamController(opts: NodeIpamControllerOptions): { stop(): Promise<void> } {
  const { client, recorder, logger: log } = opts;
  const nodes = opts.informers.forResource<Node>(RESOURCES.nodes);
  const cidrSets = opts.params.clusterCIDRs.map((c, i) => new CidrSet(c, opts.params.nodeCIDRMaskSizes[i]!));
  // Upstream's filterOutServiceRange: node CIDRs overlapping the service range are never handed out.
  for (const svc of opts.params.serviceCIDRs) {
    for (const set of cidrSets) {
      try {
        set.occupy(svc);
      } catch (e) {
        if (!(e instanceof CidrOutOfRangeError)) throw e;
      }
    }
  }
  const queue = new WorkQueue<string>({ name: 'cidrallocator_node', rateLimiter: new ItemExponentialRateLimiter<string>() });
  /** CIDRs patched onto a node that the cache does not show yet, by node name. */
  const patched = new Map<string, { uid: string; cidrs: IPNet[] }>();
  /** Nodes whose podCIDRs are logged as not ours, so that each is logged once. */
  const foreign = new Set<string>();

  /** Marks the node's podCIDRs used; logs (once) and skips those that cannot be. */
  const occupy = (node: Node): void => {
    const name = node.metadata!.name!;
    const cidrs = nodePodCIDRs(node);
    cidrs.forEach((text, idx) => {
      const set = cidrSets[idx];
      let err: string | undefined;
      if (!set) {
        err = `node:${name} has an allocated cidr: ${text} at index:${idx} that does not exist in cluster cidrs configuration`;
      } else {
        try {
          set.occupy(parseCIDR(text));
        } catch (e) {
          err = `failed to mark cidr[${text}] at idx [${idx}] as occupied for node: ${name}: ${(e as Error).message}`;
        }
      }
      if (err && !foreign.has(`${name}/${text}`)) {
        foreign.add(`${name}/${text}`);
        log?.error({ node: name, podCIDR: text, err }, 'node podCIDR left alone: it is not in this controller\'s cluster CIDRs');
      }
    });
  };

  const release = (name: string, cidrs: readonly IPNet[]): void => {
    cidrs.forEach((c, idx) => {
      try {
        cidrSets[idx]?.release(c);
        log?.debug({ node: name, cidr: formatCIDR(c) }, 'Release CIDR for node');
      } catch (e) {
        if (!(e instanceof CidrOutOfRangeError)) throw e;
      }
    });
    // Nodes waiting for a CIDR try again now rather than at the end of their back-off.
    for (const n of nodes.store.list()) if (nodePodCIDRs(n).length === 0) queue.add(n.metadata!.name!);
  };

  const parsedCIDRs = (node: Node): IPNet[] => {
    const out: IPNet[] = [];
    for (const text of nodePodCIDRs(node)) {
      try { out.push(parseCIDR(text)); } catch { /* garbage is not ours to release */ }
    }
    return out;
  };

  nodes.addEventHandler({
    onAdd: (n) => queue.add(n.metadata!.name!),
    onUpdate: (_o, n) => queue.add(n.metadata!.name!),
    onDelete: (n) => {
      const name = n.metadata!.name!;
      const mine = patched.get(name);
      patched.delete(name);
      const held = parsedCIDRs(n);
      release(name, held.length > 0 ? held : mine?.cidrs ?? []);
      for (const k of foreign) if (k.startsWith(`${name}/`)) foreign.delete(k);
    },
  });

  const sync = async (name: string): Promise<void> => {
    const node = nodes.store.get(name);
    if (!node) return;
    if (node.metadata?.deletionTimestamp) {
      release(name, parsedCIDRs(node));
      return;
    }
    if (nodePodCIDRs(node).length > 0) {
      patched.delete(name);
      occupy(node);
      return;
    }
    // Patched by us, not yet in the cache: the next event brings it.
    if (patched.get(name)?.uid === node.metadata?.uid) return;

    const allocated: IPNet[] = [];
    for (const [idx, set] of cidrSets.entries()) {
      try {
        allocated.push(set.allocateNext());
      } catch (e) {
        if (!(e instanceof CidrRangeFullError)) throw e;
        allocated.forEach((c, i) => cidrSets[i]!.release(c));
        statusChange(node, 'CIDRNotAvailable');
        throw new Error(`failed to allocate cidr from cluster cidr at idx:${idx}: ${e.message}`, { cause: e });
      }
    }
    const cidrs = allocated.map(formatCIDR);
    let lastErr: unknown;
    for (let i = 0; i < CIDR_UPDATE_RETRIES; i++) {
      try {
        await client.patch<Node>(RESOURCES.nodes, name, { spec: { podCIDR: cidrs[0], podCIDRs: cidrs } }, { type: 'strategic' });
        patched.set(name, { uid: node.metadata?.uid ?? '', cidrs: allocated });
        log?.info({ node: name, podCIDRs: cidrs }, 'Set node PodCIDR');
        return;
      } catch (e) {
        lastErr = e;
        const code = (e as { code?: number }).code;
        // Gone, or someone else set its podCIDRs first (they are immutable once set): the next event says which.
        if (code === 404 || code === 422) {
          allocated.forEach((c, j) => cidrSets[j]!.release(c));
          return;
        }
      }
    }
    log?.error({ node: name, podCIDRs: cidrs, err: lastErr instanceof Error ? lastErr.message : String(lastErr) }, 'Failed to update node PodCIDR after multiple attempts');
    statusChange(node, 'CIDRAssignmentFailed');
    // Upstream keeps the CIDRs on a server timeout (the patch may have gone through); a restart frees any leak.
    if ((lastErr as { code?: number }).code !== 504) allocated.forEach((c, j) => cidrSets[j]!.release(c));
    throw lastErr;
  };

  /** Upstream's RecordNodeStatusChange, with the Warning type the range allocator passes. */
  const statusChange = (node: Node, status: string): void => {
    const name = node.metadata!.name!;
    recorder.event({ apiVersion: 'v1', kind: 'Node', metadata: { name, ...(node.metadata?.uid ? { uid: node.metadata.uid } : {}) } },
      'Warning', status, `Node ${name} status is now: ${status}`);
  };

  /** The node informer, whose sync is complete only once every existing node's podCIDRs are marked used. */
  const occupiedOnSync: SyncableInformer = {
    start: () => nodes.start(),
    waitForSync: async (signal) => {
      if (!(await nodes.waitForSync(signal))) return false;
      for (const n of nodes.store.list()) occupy(n);
      log?.info({ clusterCIDRs: opts.params.clusterCIDRs.map(formatCIDR), nodeCIDRMaskSizes: opts.params.nodeCIDRMaskSizes, usedCIDRs: cidrSets.map((s) => s.allocated) },
        'Starting range CIDR allocator');
      return true;
    },
  };

  return startController({
    name: 'node-ipam-controller', queue, sync, informers: [occupiedOnSync], workers: opts.workers ?? CIDR_UPDATE_WORKERS, maxRetries: -1,
    ...(log ? { logger: log } : {}),
  });
}
