import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Ingress } from 'kubernetes-types/networking/v1.js';
import { tableConvertorFor } from '../../src/apiserver/tables/index.js';
import { NOW, ago, obj } from './helpers.js';

const svc = (s: Service) => tableConvertorFor('', 'services').cells(obj(s), NOW);

test('service columns', () => {
  assert.deepEqual(tableConvertorFor('', 'services').columns().map((c) => [c.name, c.priority]),
    [['Name', 0], ['Type', 0], ['Cluster-IP', 0], ['External-IP', 0], ['Port(s)', 0], ['Age', 0], ['Selector', 1]]);
});

test('NodePort service: "80:30080/TCP,443:30001/TCP", External-IP <none>', () => {
  const s: Service = {
    metadata: { name: 'web', creationTimestamp: ago(4, 'd') },
    spec: { type: 'NodePort', clusterIP: '10.96.12.7', clusterIPs: ['10.96.12.7'], selector: { app: 'web', tier: 'fe' },
      ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 443, nodePort: 30001, protocol: 'TCP' }] },
  };
  assert.deepEqual(svc(s), ['web', 'NodePort', '10.96.12.7', '<none>', '80:30080/TCP,443:30001/TCP', '4d', 'app=web,tier=fe']);
});

test('LoadBalancer service: ingress IPs, then external IPs; <pending> before provisioning', () => {
  const s: Service = {
    metadata: { name: 'lb', creationTimestamp: ago(20, 'm') },
    spec: { type: 'LoadBalancer', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] },
    status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }, { hostname: 'lb.example.com' }, { ip: '203.0.113.10' }] } },
  };
  assert.deepEqual(svc(s), ['lb', 'LoadBalancer', '10.96.0.20', '203.0.113.10,lb.example.com', '80:31000/TCP', '20m', '<none>']);
  const withExternal: Service = { ...s, spec: { ...s.spec, externalIPs: ['198.51.100.1'] } };
  assert.equal(svc(withExternal)[3], '203.0.113.10,lb.example.com,198.51.100.1');
  const pending: Service = { ...s, status: {} };
  assert.equal(svc(pending)[3], '<pending>');
});

test('headless service with no ports, ExternalName, and defaults', () => {
  const headless: Service = { metadata: { name: 'db' }, spec: { clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'db' } } };
  assert.deepEqual(svc(headless), ['db', 'ClusterIP', 'None', '<none>', '<none>', '<unknown>', 'app=db']);
  const ext: Service = { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com', ports: [{ port: 53, protocol: 'UDP' }] } };
  assert.deepEqual(svc(ext).slice(1, 5), ['ExternalName', '<none>', 'example.com', '53/UDP']);
});

test('endpoints: first three address:port pairs and "+ N more..."', () => {
  const ep: Endpoints = {
    metadata: { name: 'web', creationTimestamp: ago(1, 'h') },
    subsets: [{
      addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'].map((ip) => ({ ip })),
      notReadyAddresses: [{ ip: '10.0.0.9' }],
      ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }],
    }],
  };
  const cells = tableConvertorFor('', 'endpoints').cells(obj(ep), NOW);
  // 5 addresses x 2 ports = 10 pairs; 3 shown.
  assert.deepEqual(cells, ['web', '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 7 more...', '60m']);
  const conv = tableConvertorFor('', 'endpoints');
  assert.equal(conv.cells(obj({ metadata: { name: 'x' } }), NOW)[1], '<none>');
  assert.equal(conv.cells(obj({ metadata: { name: 'x' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }] }] }), NOW)[1], '10.0.0.1');
  assert.equal(conv.cells(obj({ metadata: { name: 'x' }, subsets: [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 53 }] }] }), NOW)[1], '[fd00::1]:53');
  assert.equal(conv.cells(obj({ metadata: { name: 'x' }, subsets: [{ notReadyAddresses: [{ ip: '10.0.0.1' }], ports: [{ port: 53 }] }] }), NOW)[1], '');
});

test('endpointslice and ingress rows', () => {
  const es: EndpointSlice = {
    metadata: { name: 'web-abc', creationTimestamp: ago(2, 'm') }, addressType: 'IPv4',
    ports: [{ port: 80, name: 'http' }, { name: 'named' }, {}],
    endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }],
  };
  assert.deepEqual(tableConvertorFor('discovery.k8s.io', 'endpointslices').cells(obj(es), NOW),
    ['web-abc', 'IPv4', '80,named,*', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '2m']);
  assert.deepEqual(tableConvertorFor('discovery.k8s.io', 'endpointslices').cells(obj({ metadata: { name: 'e' }, addressType: 'IPv4', endpoints: [] }), NOW).slice(2, 4),
    ['<unset>', '<unset>']);
  const ing: Ingress = {
    metadata: { name: 'site', creationTimestamp: ago(9, 'd') },
    spec: { ingressClassName: 'nginx', tls: [{ hosts: ['a.example.com'] }],
      rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }, {}, { host: 'c.example.com' }, { host: 'd.example.com' }] },
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } },
  };
  assert.deepEqual(tableConvertorFor('networking.k8s.io', 'ingresses').cells(obj(ing), NOW),
    ['site', 'nginx', 'a.example.com,b.example.com,c.example.com + 2 more...', '192.0.2.1', '80, 443', '9d']);
  assert.deepEqual(tableConvertorFor('networking.k8s.io', 'ingresses').cells(obj({ metadata: { name: 'i' }, spec: {} }), NOW).slice(1, 5),
    ['<none>', '*', '', '80']);
});
