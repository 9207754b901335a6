/** Endpoints subsets from pods: named ports per pod, readiness, terminating and finished pods, truncation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { desiredSubsets, endpointsLabels, truncateSubsets, findPort, shouldPodBeInEndpoints } from '../../src/controllers/endpoint/index.js';

const svc = (spec: Service['spec'] = {}): Service => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid' },
  spec: { selector: { app: 'web' }, clusterIP: '10.43.0.10', ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], ...spec },
});

function pod(name: string, ip: string, opts: { ready?: boolean; httpPort?: number; deleting?: boolean; phase?: string; restartPolicy?: string; labels?: Record<string, string> } = {}): Pod {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: opts.labels ?? { app: 'web' }, ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: 'n1', restartPolicy: opts.restartPolicy ?? 'Always', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: opts.httpPort ?? 8080 }] }] },
    status: { phase: opts.phase ?? 'Running', podIP: ip, conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  };
}

test('pods serving the named port on different numbers get subsets of their own; not-ready ones under notReadyAddresses', () => {
  const subsets = desiredSubsets(svc(), [
    pod('a', '10.0.0.2'), pod('b', '10.0.0.10', { httpPort: 9090 }), pod('c', '10.0.0.3', { ready: false }),
    pod('other', '10.0.0.4', { labels: { app: 'db' } }),
  ]);
  assert.equal(subsets.length, 2);
  const by8080 = subsets.find((s) => s.ports?.[0]?.port === 8080)!;
  assert.deepEqual(by8080.addresses!.map((a) => a.ip), ['10.0.0.2']);
  assert.deepEqual(by8080.notReadyAddresses!.map((a) => a.ip), ['10.0.0.3']);
  assert.deepEqual(by8080.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(by8080.addresses![0]!.targetRef, { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' });
  assert.equal(by8080.addresses![0]!.nodeName, 'n1');
  const by9090 = subsets.find((s) => s.ports?.[0]?.port === 9090)!;
  assert.deepEqual(by9090.addresses!.map((a) => a.ip), ['10.0.0.10']);
});

test('addresses sort numerically and equal inputs give equal subsets', () => {
  const pods = ['10.0.0.10', '10.0.0.9', '10.0.0.100'].map((ip, i) => pod(`p${i}`, ip));
  const a = desiredSubsets(svc(), pods);
  assert.deepEqual(a[0]!.addresses!.map((x) => x.ip), ['10.0.0.9', '10.0.0.10', '10.0.0.100']);
  assert.deepEqual(desiredSubsets(svc(), [...pods].reverse()), a);
});

test('terminating pods are left out unless publishNotReadyAddresses, which lists every pod as ready', () => {
  const pods = [pod('a', '10.0.0.2'), pod('t', '10.0.0.3', { deleting: true }), pod('u', '10.0.0.4', { ready: false })];
  const normal = desiredSubsets(svc(), pods);
  assert.deepEqual(normal[0]!.addresses!.map((a) => a.ip), ['10.0.0.2']);
  assert.deepEqual(normal[0]!.notReadyAddresses!.map((a) => a.ip), ['10.0.0.4']);
  const published = desiredSubsets(svc({ publishNotReadyAddresses: true }), pods);
  assert.deepEqual(published[0]!.addresses!.map((a) => a.ip), ['10.0.0.2', '10.0.0.3', '10.0.0.4']);
  assert.equal(published[0]!.notReadyAddresses, undefined);
});

test('finished pods and pods without an IP are never endpoints', () => {
  assert.equal(shouldPodBeInEndpoints(pod('a', '10.0.0.2', { restartPolicy: 'Never', phase: 'Failed' }), true), false);
  assert.equal(shouldPodBeInEndpoints(pod('a', '10.0.0.2', { restartPolicy: 'OnFailure', phase: 'Succeeded' }), true), false);
  assert.equal(shouldPodBeInEndpoints(pod('a', '10.0.0.2', { restartPolicy: 'OnFailure', phase: 'Failed' }), false), true);
  assert.equal(shouldPodBeInEndpoints(pod('a', ''), true), false);
});

test('findPort: numeric targets as is, named ones by name and protocol', () => {
  const p = pod('a', '10.0.0.2');
  assert.equal(findPort(p, { port: 80, targetPort: 9000 }), 9000);
  assert.equal(findPort(p, { port: 80 }), 80);
  assert.equal(findPort(p, { port: 80, targetPort: 'http' }), 8080);
  assert.equal(findPort(p, { port: 80, targetPort: 'http', protocol: 'UDP' }), undefined);
  assert.equal(findPort(p, { port: 80, targetPort: 'nope' }), undefined);
});

test('headless service without ports lists addresses without ports; labels carry the headless marker', () => {
  const s = svc({ clusterIP: 'None', ports: [] });
  const subsets = desiredSubsets(s, [{ ...pod('a', '10.0.0.2'), spec: { ...pod('a', '10.0.0.2').spec!, hostname: 'a', subdomain: 'web' } }]);
  assert.deepEqual(subsets, [{ addresses: [{ ip: '10.0.0.2', hostname: 'a', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' } }] }]);
  assert.deepEqual(endpointsLabels({ ...s, metadata: { ...s.metadata, labels: { team: 'x' } } }), { team: 'x', 'service.kubernetes.io/headless': '' });
  assert.deepEqual(endpointsLabels({ ...svc(), metadata: { labels: { 'service.kubernetes.io/headless': '' } } }), {});
});

test('truncation keeps ready addresses first', () => {
  const pods = [...Array.from({ length: 3 }, (_, i) => pod(`r${i}`, `10.0.1.${i + 1}`)), ...Array.from({ length: 3 }, (_, i) => pod(`n${i}`, `10.0.2.${i + 1}`, { ready: false }))];
  const t = truncateSubsets(desiredSubsets(svc(), pods), 4);
  assert.equal(t[0]!.addresses!.length, 3);
  assert.equal(t[0]!.notReadyAddresses!.length, 1);
});
