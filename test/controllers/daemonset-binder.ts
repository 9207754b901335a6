/**
 * Test stand-in for the scheduler's part in DaemonSets: binds each unbound
 * pod pinned by `matchFields metadata.name In [node]` affinity to that node
 * (what the default scheduler does with DaemonSet pods). Start the fake
 * cluster with `bind: false` beside it.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Informer, RESOURCES, RestClient } from '../../src/client/index.js';
import { targetNodeName } from '../../src/controllers/daemonset/index.js';

export interface DaemonSetBinder { stop(): Promise<void>; bound(): number }

export async function startDaemonSetBinder(kubeconfig: string): Promise<DaemonSetBinder> {
  const client = RestClient.fromKubeconfig(kubeconfig, { component: 'daemonset-binder' });
  const informer = new Informer<Pod>(client, RESOURCES.pods);
  const tried = new Set<string>();
  let bound = 0;
  const handle = (pod: Pod): void => {
    if (pod.spec?.nodeName || pod.metadata?.deletionTimestamp) return;
    const node = targetNodeName(pod);
    const uid = pod.metadata!.uid!;
    if (!node || tried.has(uid)) return;
    tried.add(uid);
    const { namespace: ns, name } = pod.metadata as { namespace: string; name: string };
    client.request('POST', `/api/v1/namespaces/${ns}/pods/${name}/binding`, {
      body: { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace: ns, uid }, target: { apiVersion: 'v1', kind: 'Node', name: node } },
    }).then(() => { bound++; }, () => { tried.delete(uid); });
  };
  informer.addEventHandler({ onAdd: handle, onUpdate: (_o, p) => handle(p) });
  informer.start();
  await informer.waitForSync();
  return {
    bound: () => bound,
    async stop() { await informer.stop(); client.close(); },
  };
}
