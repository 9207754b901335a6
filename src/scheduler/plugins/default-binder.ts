/** DefaultBinder: binds the pod by POSTing a Binding to pods/binding. */
import type { BindPlugin, Handle } from '../framework/interface.js';
import { asError, Status } from '../framework/status.js';

export const NAME = 'DefaultBinder';

export function newDefaultBinder(_args: unknown, handle: Handle): BindPlugin {
  return {
    name: NAME,
    async bind(_state, pod, nodeName) {
      const client = handle.client;
      if (!client) return new Status('Error', ['no client to bind with']);
      const m = pod.pod.metadata!;
      try {
        await client.request('POST', `/api/v1/namespaces/${encodeURIComponent(m.namespace!)}/pods/${encodeURIComponent(m.name!)}/binding`, {
          body: {
            apiVersion: 'v1', kind: 'Binding',
            metadata: { name: m.name, namespace: m.namespace, ...(m.uid ? { uid: m.uid } : {}) },
            target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
          },
        });
        return null;
      } catch (e) {
        return asError(e);
      }
    },
  } satisfies BindPlugin;
}
