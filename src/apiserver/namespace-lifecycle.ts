/**
 * Upstream's NamespaceLifecycle admission: no new objects in a namespace that
 * does not exist or is being terminated.
 */
import type { Namespace } from 'kubernetes-types/core/v1.js';
import { notFound, StatusError } from '../api/errors.js';
import type { WithMeta } from '../api/object.js';
import type { GenericStore } from './registry/generic-store.js';

export function namespaceLifecycle(namespaces: () => GenericStore | undefined): (obj: WithMeta) => Promise<void> {
  return async (obj) => {
    const ns = obj.metadata.namespace;
    const reg = namespaces();
    if (!ns || !reg) return;
    let found: WithMeta & Pick<Namespace, 'status'>;
    try {
      found = await reg.get('', ns) as WithMeta & Pick<Namespace, 'status'>;
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) throw notFound({ group: '', resource: 'namespaces', name: ns });
      throw e;
    }
    if (found.metadata.deletionTimestamp || found.status?.phase === 'Terminating') {
      throw new StatusError(403, 'Forbidden',
        `${obj.kind ?? 'object'} "${obj.metadata.name ?? ''}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`, {
          details: { name: obj.metadata.name, kind: obj.kind, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }] },
        });
    }
  };
}
