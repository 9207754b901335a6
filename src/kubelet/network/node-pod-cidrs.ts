/**
 * A node's podCIDRs as the node IPAM controller assigns them: the kubelet
 * watches its own Node and hands spec.podCIDRs to the runtime once set
 * (upstream's kubelet updatePodCIDR, called from its node sync with the
 * CIDRs joined by commas). Until then the pod network cannot be configured,
 * the runtime reports NetworkReady false and the node stays NotReady.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import { Informer } from '../../client/informer.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';

export interface WaitForPodCIDRsOptions {
  client: RestClient;
  nodeName: string;
  logger: Logger;
  /** Aborting rejects the wait (with the signal's reason). */
  signal: AbortSignal;
  /** The wait is logged again this often. @default 30000 */
  logEveryMs?: number;
}

/** spec.podCIDRs of `node`, else spec.podCIDR alone, else none. */
export function podCIDRsOf(node: Node | undefined): string[] {
  if (node?.spec?.podCIDRs?.length) return node.spec.podCIDRs;
  return node?.spec?.podCIDR ? [node.spec.podCIDR] : [];
}

/** Resolves with the Node's podCIDRs once it has some, watching it through an informer; logs while it waits. */
export async function waitForPodCIDRs(o: WaitForPodCIDRsOptions): Promise<string[]> {
  o.signal.throwIfAborted();
  const informer = new Informer<Node>(o.client, RESOURCES.nodes, { fieldSelector: `metadata.name=${o.nodeName}`, logger: o.logger });
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const check = (n: Node): void => {
        const cidrs = podCIDRsOf(n);
        if (n.metadata?.name === o.nodeName && cidrs.length > 0) resolve(cidrs);
      };
      informer.addEventHandler({ onAdd: check, onUpdate: (_old, n) => check(n) });
      onAbort = () => reject(o.signal.reason);
      o.signal.addEventListener('abort', onAbort, { once: true });
      const say = (): void => {
        o.logger.info({ node: o.nodeName, waitingMs: Date.now() - started },
          'waiting for the node\'s spec.podCIDR from the node IPAM controller (pass --pod-cidr to set it here)');
      };
      say();
      timer = setInterval(say, o.logEveryMs ?? 30_000);
      informer.start();
    });
  } finally {
    clearInterval(timer);
    if (onAbort) o.signal.removeEventListener('abort', onAbort);
    await informer.stop();
  }
}
