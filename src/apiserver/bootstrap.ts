/**
 * What exists on a new cluster: the four system namespaces and the
 * `kubernetes` Service (first IP of the service range) with its Endpoints
 * pointing at this API server. Idempotent: existing objects are left alone.
 */
import { StatusError } from '../api/errors.js';
import type { WithMeta } from '../api/object.js';
import type { ApiResources } from './api-resources.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Creates an object unless it exists (checked first, so that nothing is allocated for it twice). */
async function ensure(exists: () => Promise<unknown>, create: () => Promise<unknown>): Promise<void> {
  try {
    await exists();
    return;
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 404)) throw e;
  }
  try {
    await create();
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 409)) throw e;
  }
}

export async function bootstrap(api: ApiResources, opts: { kubernetesServiceIP: string; advertiseAddress: string; securePort: number }): Promise<void> {
  const namespaces = api.find('', 'v1', 'namespaces')!.registry;
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(() => namespaces.get('', name), () => namespaces.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as WithMeta));
  }
  const services = api.find('', 'v1', 'services')!.registry;
  await ensure(() => services.get('default', 'kubernetes'), () => services.create('default', {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP', clusterIP: opts.kubernetesServiceIP, sessionAffinity: 'None',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: opts.securePort }],
    },
  } as WithMeta));
  const endpoints = api.find('', 'v1', 'endpoints')!.registry;
  await ensure(() => endpoints.get('default', 'kubernetes'), () => endpoints.create('default', {
    apiVersion: 'v1', kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: opts.advertiseAddress }], ports: [{ name: 'https', port: opts.securePort, protocol: 'TCP' }] }],
  } as WithMeta));
}
