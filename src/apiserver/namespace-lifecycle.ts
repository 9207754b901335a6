/**
 * Upstream's NamespaceLifecycle admission: no new objects in a namespace that
 * does not exist or is being terminated.
 */
import type { Namespace } from 'kubernetes-types/core/v1.js';
import { notFound, StatusError } from '../api/errors.js';
import type { WithMeta } from '../api/object.js';
import type { GenericStore } from './registry/generic-store.js';

/**
 * @param cached reads a namespace from the watch cache; a miss falls back to
 *   the store, so a namespace created a moment ago is never refused.
 */
export function namespaceLifecycle(namespaces: () => GenericStore | undefined,
  cached: (name: string) => WithMeta | undefined = () => undefined): (obj: WithMeta) => Promise<void> {
  return async (obj) => {
    const ns = obj.metadata.namespace;
    const reg = namespaces();
    if (!ns || !reg) return;
    let found = cached(ns) as (WithMeta & Pick<Namespace, 'status'>) | undefined;
    if (!found) {
      try {
        found = await reg.get('', ns) as WithMeta & Pick<Namespace, 'status'>;
      } catch (e) {
        if (e instanceof StatusError && e.code === 404) throw notFound({ group: '', resource: 'namespaces', name: ns });
        throw e;
      }
    }
    if (found.metadata.deletionTimestamp || found.status?.phase === 'Terminating') {
      throw new StatusError(403, 'Forbidden',
        `${obj.kind ?? 'object'} "${obj.metadata.name ?? ''}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, {
          details: { name: obj.metadata.name, kind: obj.kind, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }] },
        });
    }
  };
}
