/**
 * The agent's built-in flannel: a kube subnet manager driven by Node
 * objects (flannel's pkg/subnet/kube) with the host-gw and vxlan backends.
 * At start it writes this node's annotations (merge patch); on every Node
 * event and on a timer it reads the kernel, plans (plan.ts) and runs the
 * steps, then reapplies the masquerade chains. A failed command is logged
 * with the node and the command and retried on the next pass; nothing here
 * throws out of the loop.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../api/log.js';
import { Informer, RESOURCES, type RestClient } from '../client/index.js';
import { ANN_PREFIX, hasAnnotations, leaseOf, ownAnnotations, type FlannelBackend, type Lease } from './annotations.js';
import { parseIpv4Cidr } from './cidr.js';
import { CommandError, applyMasquerade, ensureVxlanAddress, ensureVxlanDevice, readKernelState, run } from './kernel.js';
import { masqueradeRules } from './masquerade.js';
import { planNetwork } from './plan.js';

export interface FlannelOptions {
  client: RestClient;
  nodeName: string;
  /** The node's address other nodes reach it at: its public-ip, the vxlan local address. */
  nodeIP: string;
  /** 'none' starts nothing. */
  backend: FlannelBackend | 'none';
  /** The whole pod network (k3s's --cluster-cidr, default 10.42.0.0/16). */
  clusterCidr: string;
  log: Logger;
  /** Aborting stops the loop; routes and the device stay (as flanneld leaves them on exit). */
  signal: AbortSignal;
  /** @default 30000 */
  resyncMs?: number;
}

export interface RunningFlannel {
  /** Resolves after the next full pass (tests and the agent's start). */
  synced(): Promise<void>;
  /** Stops the informer and the timer; waits for a pass under way. */
  stop(): Promise<void>;
}

/** Starts flannel for this node; throws only on a malformed cluster CIDR. */
export function startFlannel(o: FlannelOptions): RunningFlannel {
  const backend = o.backend;
  if (backend === 'none') return { synced: async () => {}, stop: async () => {} };
  const cluster = parseIpv4Cidr(o.clusterCidr);
  if (!cluster) throw new Error(`invalid cluster CIDR ${JSON.stringify(o.clusterCidr)}: want an IPv4 CIDR like 10.42.0.0/16`);
  const clusterCidr = `${cluster.network}/${cluster.bits}`;
  const log = o.log;
  const informer = new Informer<Node>(o.client, RESOURCES.nodes, { logger: log });
  let vtepMAC: string | undefined;
  let lastRules = '';
  let lastSkips = '';
  let dirty = true;
  let running: Promise<void> | undefined;
  let waiters: Array<() => void> = [];

  const pass = async (): Promise<void> => {
    // Every pass: a flannel.1 deleted or changed behind flannel's back comes back (with a new VtepMAC, re-annotated below).
    if (backend === 'vxlan') vtepMAC = await ensureVxlanDevice(o.nodeIP);
    const self = informer.store.get(o.nodeName);
    if (!self) return;
    const want = ownAnnotations(backend, o.nodeIP, vtepMAC);
    if (!hasAnnotations(self, want)) {
      await o.client.patch(RESOURCES.nodes, o.nodeName, { metadata: { annotations: want } });
      log.info({ node: o.nodeName, backend, publicIP: o.nodeIP }, 'flannel annotations written');
    }
    const subnet = self.spec?.podCIDRs?.find((c) => !c.includes(':')) ?? self.spec?.podCIDR;
    const ownNet = subnet ? parseIpv4Cidr(subnet) : undefined;
    if (!subnet || !ownNet) return; // no podCIDR yet: the Node update that brings it comes back here
    if (backend === 'vxlan') await ensureVxlanAddress(ownNet.network);
    const leases: Lease[] = [];
    const skips: string[] = [];
    for (const n of informer.store.list()) {
      const l = leaseOf(n);
      if ('skip' in l) { if (n.metadata?.name !== o.nodeName) skips.push(`${n.metadata?.name}: ${l.skip}`); } else leases.push(l);
    }
    const plan = planNetwork({ backend, nodeName: o.nodeName, subnet: `${ownNet.network}/${ownNet.bits}`, clusterCidr, leases }, await readKernelState(backend === 'vxlan'));
    for (const i of plan.ignored) skips.push(`${i.node}: ${i.reason}`);
    const skipText = skips.sort().join('; ');
    if (skipText !== lastSkips && skipText) log.info({ node: o.nodeName, nodes: skips }, 'flannel leaves out nodes it cannot route to yet');
    lastSkips = skipText;
    for (const step of plan.steps) {
      try {
        await run(step.argv);
        log.info({ node: step.node, command: step.argv.join(' ') }, 'flannel applied');
      } catch (err) {
        const detail = err instanceof CommandError ? err.message : String(err);
        const hint = backend === 'host-gw' && /invalid gateway|unreachable/i.test(detail)
          ? ': host-gw needs every node on one L2 network; this node cannot reach the public-ip directly (use --flannel-backend vxlan)' : '';
        log.error({ node: step.node, command: step.argv.join(' '), err: detail }, `flannel could not program the route to node ${step.node}${hint}`);
      }
    }
    const rules = masqueradeRules(clusterCidr, `${ownNet.network}/${ownNet.bits}`);
    await applyMasquerade(rules);
    if (rules !== lastRules) log.info({ node: o.nodeName, clusterCidr, podCidr: subnet }, 'flannel masquerade rules applied');
    lastRules = rules;
  };

  const loop = async (): Promise<void> => {
    while (dirty && !o.signal.aborted) {
      dirty = false;
      const done = waiters;
      waiters = [];
      try {
        await pass();
      } catch (err) {
        const e = err as Error;
        log.error({ node: o.nodeName, ...(e instanceof CommandError ? { command: e.argv.join(' ') } : {}), err: e.message }, 'flannel pass failed; retrying at the next resync');
      }
      for (const w of done) w();
    }
    running = undefined;
  };
  const kick = (): void => {
    dirty = true;
    running ??= loop();
  };

  // Status heartbeats change nothing flannel reads; a new podCIDR or lease annotation does.
  const leaseKey = (n: Node): string => JSON.stringify([n.spec?.podCIDRs ?? n.spec?.podCIDR, ...Object.entries(n.metadata?.annotations ?? {}).filter(([k]) => k.startsWith(ANN_PREFIX)).sort()]);
  informer.addEventHandler({ onAdd: kick, onUpdate: (old, cur) => { if (leaseKey(old) !== leaseKey(cur)) kick(); }, onDelete: kick });
  informer.start();
  const timer = setInterval(kick, o.resyncMs ?? 30_000);
  const stop = async (): Promise<void> => {
    clearInterval(timer);
    await informer.stop();
    await running;
    for (const w of waiters) w();
    waiters = [];
  };
  o.signal.addEventListener('abort', () => { void stop(); }, { once: true });
  log.info({ node: o.nodeName, backend, nodeIP: o.nodeIP, clusterCidr }, 'flannel started');
  return {
    synced: () => new Promise((resolve) => { waiters.push(resolve); kick(); }),
    stop,
  };
}
