/**
 * Node writes of the cloud controllers, as upstream's clientretry.RetryOnConflict
 * around a fresh GET: kubelets write their Nodes often, so a cached copy is
 * frequently stale.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import { RESOURCES, type RestClient } from '../client/index.js';

const ATTEMPTS = 5;

/**
 * Reads the Node, applies `mutate` to a copy and updates it; a conflict
 * starts over from a new read. `mutate` returns undefined when nothing is to
 * change (no write). Resolves to the Node written, or undefined when none
 * was; a Node that is gone rejects with the API's NotFound.
 */
export async function updateNode(client: RestClient, name: string, mutate: (node: Node) => Node | undefined): Promise<Node | undefined> {
  for (let attempt = 1; ; attempt++) {
    const fresh = await client.get<Node>(RESOURCES.nodes, name);
    const wanted = mutate(structuredClone(fresh));
    if (!wanted) return undefined;
    try {
      return await client.update<Node>(RESOURCES.nodes, wanted);
    } catch (e) {
      if ((e as { code?: number }).code !== 409 || attempt >= ATTEMPTS) throw e;
    }
  }
}
