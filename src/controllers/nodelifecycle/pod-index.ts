/** Pods by spec.nodeName on the shared pod informer, for the controllers that act per node. */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Informer } from '../../client/informer.js';

export const POD_NODE_NAME_INDEX = 'spec.nodeName';

/** Adds the index unless a controller sharing the informer already did. */
export function addPodNodeNameIndex(pods: Informer<Pod>): void {
  try {
    pods.addIndex(POD_NODE_NAME_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
  } catch (e) {
    if (!(e instanceof Error) || !e.message.includes('already exists')) throw e;
  }
}
