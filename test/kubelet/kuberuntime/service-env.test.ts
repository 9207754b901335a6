/** Service environment variables: names, Docker links, headless services, enableServiceLinks and the master service. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from 'kubernetes-types/core/v1.js';
import { fromServices, makeEnvironmentVariables, serviceEnvVarMap } from '../../../src/kubelet/index.js';
import type { PodObjects } from '../../../src/kubelet/pod-objects.js';

const svc = (ns: string, name: string, clusterIP: string, ports: NonNullable<Service['spec']>['ports']): Service => ({ metadata: { namespace: ns, name }, spec: { clusterIP, ports } });

const SERVICES: Service[] = [
  svc('default', 'kubernetes', '10.43.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]),
  svc('default', 'other', '10.43.0.9', [{ port: 80 }]),
  svc('ns', 'my-db', '10.43.0.20', [{ port: 5432 }, { name: 'metrics-port', port: 9187, protocol: 'UDP' }]),
  svc('ns', 'headless', 'None', [{ port: 80 }]),
  svc('ns', 'external', '', [{ port: 80 }]),
];
const objects: PodObjects = { configMap: async () => undefined, secret: async () => undefined, services: async (ns) => SERVICES.filter((s) => s.metadata?.namespace === ns) };

test('one service: host, port, named ports and the Docker link variables, in upstream\'s order', () => {
  assert.deepEqual(fromServices([SERVICES[2]!]).map((e) => `${e.name}=${e.value}`), [
    'MY_DB_SERVICE_HOST=10.43.0.20',
    'MY_DB_SERVICE_PORT=5432',
    'MY_DB_SERVICE_PORT_METRICS_PORT=9187',
    'MY_DB_PORT=tcp://10.43.0.20:5432',
    'MY_DB_PORT_5432_TCP=tcp://10.43.0.20:5432',
    'MY_DB_PORT_5432_TCP_PROTO=tcp',
    'MY_DB_PORT_5432_TCP_PORT=5432',
    'MY_DB_PORT_5432_TCP_ADDR=10.43.0.20',
    'MY_DB_PORT_9187_UDP=udp://10.43.0.20:9187',
    'MY_DB_PORT_9187_UDP_PROTO=udp',
    'MY_DB_PORT_9187_UDP_PORT=9187',
    'MY_DB_PORT_9187_UDP_ADDR=10.43.0.20',
  ]);
  assert.equal(fromServices([svc('x', 'v6', 'fd00::1', [{ port: 80 }])]).find((e) => e.name === 'V6_PORT')?.value, 'tcp://[fd00::1]:80');
});

test('the namespace\'s services with a cluster IP, plus default/kubernetes always', async () => {
  const on = await serviceEnvVarMap(objects, 'ns', true);
  assert.equal(on.get('KUBERNETES_SERVICE_HOST'), '10.43.0.1');
  assert.equal(on.get('KUBERNETES_SERVICE_PORT_HTTPS'), '443');
  assert.equal(on.get('MY_DB_SERVICE_HOST'), '10.43.0.20');
  assert.equal(on.has('OTHER_SERVICE_HOST'), false, 'other namespaces\' services are not linked');
  assert.equal(on.has('HEADLESS_SERVICE_HOST'), false);
  assert.equal(on.has('EXTERNAL_SERVICE_HOST'), false);
  const off = await serviceEnvVarMap(objects, 'ns', false);
  assert.deepEqual([...off.keys()].filter((k) => !k.startsWith('KUBERNETES_')), []);
  assert.equal(off.get('KUBERNETES_PORT'), 'tcp://10.43.0.1:443');
});

test('the container\'s own variables win over service variables, which are expandable', async () => {
  const c = { name: 'app', env: [{ name: 'MY_DB_SERVICE_HOST', value: 'mine' }, { name: 'URL', value: 'pg://$(MY_DB_SERVICE_HOST):$(MY_DB_SERVICE_PORT)' }] };
  const env = await makeEnvironmentVariables({ metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [c] } }, c, { podObjects: objects, podIPs: [], hostIPs: [], allocatable: {} });
  assert.equal(env.filter((e) => e.key === 'MY_DB_SERVICE_HOST').length, 1);
  const byKey = new Map(env.map((e) => [e.key, e.value]));
  assert.equal(byKey.get('MY_DB_SERVICE_HOST'), 'mine');
  assert.equal(byKey.get('URL'), 'pg://mine:5432');
  assert.deepEqual(env.slice(0, 2).map((e) => e.key), ['MY_DB_SERVICE_HOST', 'URL']);
  const noLinks = await makeEnvironmentVariables({ metadata: { name: 'p', namespace: 'ns' }, spec: { enableServiceLinks: false, containers: [c] } }, c, { podObjects: objects, podIPs: [], hostIPs: [], allocatable: {} });
  assert.equal(noLinks.some((e) => e.key === 'MY_DB_SERVICE_PORT'), false);
});
