import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceNeedsClusterIP, serviceNeedsNodePorts, serviceStrategy } from '../../src/apiserver/registry/core/services.js';
import { create, update } from './helpers.js';

const svc = (spec: Record<string, unknown>, name = 'web'): Record<string, unknown> =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec });

test('services: a minimal ClusterIP service gets upstream defaults (before IP allocation)', () => {
  const { obj, errs } = create(serviceStrategy, svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }));
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.spec, {
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
  });
  assert.deepEqual(obj.status, { loadBalancer: {} });
});

test('services: NodePort and LoadBalancer get externalTrafficPolicy; LB allocateLoadBalancerNodePorts', () => {
  const np = create(serviceStrategy, svc({ type: 'NodePort', ports: [{ port: 80, targetPort: 'http', nodePort: 30080 }] }));
  assert.deepEqual(np.errs, []);
  assert.equal((np.obj.spec as Record<string, unknown>).externalTrafficPolicy, 'Cluster');
  const lb = create(serviceStrategy, svc({ type: 'LoadBalancer', ports: [{ port: 443 }] }));
  assert.equal((lb.obj.spec as Record<string, unknown>).allocateLoadBalancerNodePorts, true);
  assert.equal(serviceNeedsNodePorts(lb.obj), true);
  assert.equal(serviceNeedsNodePorts(create(serviceStrategy, svc({ ports: [{ port: 1 }] })).obj), false);
});

test('services: ExternalName and headless need no cluster IP', () => {
  const en = create(serviceStrategy, svc({ type: 'ExternalName', externalName: 'example.com' }));
  assert.deepEqual(en.errs, []);
  assert.equal(serviceNeedsClusterIP(en.obj), false);
  assert.equal((en.obj.spec as Record<string, unknown>).internalTrafficPolicy, undefined);
  const headless = create(serviceStrategy, svc({ clusterIP: 'None', selector: { a: 'b' } }));
  assert.deepEqual(headless.errs, []);
  assert.equal(serviceNeedsClusterIP(headless.obj), false);
  assert.deepEqual((headless.obj.spec as Record<string, unknown>).clusterIPs, ['None']);
  assert.equal(serviceNeedsClusterIP(create(serviceStrategy, svc({ ports: [{ port: 1 }] })).obj), true);
});

test('services: validation errors', () => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [svc({}), 'spec.ports: Required value'],
    [svc({ ports: [{ port: 0 }] }), 'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'],
    [svc({ ports: [{ port: 80 }, { port: 81 }] }), 'spec.ports[0].name: Required value'],
    [svc({ ports: [{ name: 'a', port: 80 }, { name: 'a', port: 81 }] }), 'spec.ports[1].name: Duplicate value: "a"'],
    [svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }),
      'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767'],
    [svc({ ports: [{ port: 80, nodePort: 30001 }] }), "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    [svc({ clusterIP: '10.0.0.300', ports: [{ port: 80 }] }),
      'spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
    [svc({ type: 'Magic', ports: [{ port: 80 }] }),
      'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
    [svc({ ports: [{ port: 80 }] }, '1web'),
      "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"],
    [svc({ type: 'ExternalName', externalName: 'x.com', clusterIP: '10.0.0.1' }),
      'spec.clusterIP: Forbidden: may not be set for ExternalName services'],
    [svc({ externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }),
      'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'],
  ];
  for (const [obj, want] of cases) {
    const { errs } = create(serviceStrategy, obj);
    assert.ok(errs.includes(want), `want ${want}\ngot ${JSON.stringify(errs, null, 1)}`);
  }
});

test('services: clusterIP is immutable except to/from ExternalName; omitted allocations are kept', () => {
  const stored = create(serviceStrategy, svc({ type: 'NodePort', ports: [{ port: 80 }] })).obj as unknown as Record<string, never>;
  const spec = stored.spec as Record<string, unknown> & { ports: Array<Record<string, unknown>> };
  spec.clusterIP = '10.96.0.10';
  spec.clusterIPs = ['10.96.0.10'];
  spec.ports[0].nodePort = 31000;
  const changed = structuredClone(stored) as Record<string, never>;
  Object.assign(changed.spec, { clusterIP: '10.96.0.11', clusterIPs: ['10.96.0.11'] });
  assert.ok(update(serviceStrategy, changed, stored).errs.includes(
    'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set'));
  const replaced = update(serviceStrategy, svc({ type: 'NodePort', ports: [{ port: 80 }] }), stored);
  assert.deepEqual(replaced.errs, []);
  assert.equal((replaced.obj.spec as Record<string, unknown>).clusterIP, '10.96.0.10');
  assert.equal((replaced.obj.spec as { ports: Array<{ nodePort: number }> }).ports[0].nodePort, 31000);
  const toExternal = update(serviceStrategy, svc({ type: 'ExternalName', externalName: 'example.com' }), stored);
  assert.deepEqual(toExternal.errs, []);
});
