/** Quota usage: pod compute resources and counting rules, scopes, services, claims, quantity formatting. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, ResourceQuota } from 'kubernetes-types/core/v1.js';
import { RESOURCES, type ResourceDescriptor } from '../../src/client/index.js';
import type { ApiObject } from '../../src/client/index.js';
import { formatAmount, podCountsAgainstQuota, podLimits, quotaUsed, resourceForQuotaName, sameResourceList } from '../../src/controllers/resourcequota/index.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

function pod(name: string, opts: { req?: Record<string, string>; lim?: Record<string, string>; phase?: string; deadline?: number; priorityClassName?: string } = {}): Pod {
  return {
    metadata: { name, namespace: 'ns' },
    spec: {
      containers: [{ name: 'c', ...(opts.req || opts.lim ? { resources: { ...(opts.req ? { requests: opts.req } : {}), ...(opts.lim ? { limits: opts.lim } : {}) } } : {}) }],
      ...(opts.deadline !== undefined ? { activeDeadlineSeconds: opts.deadline } : {}),
      ...(opts.priorityClassName ? { priorityClassName: opts.priorityClassName } : {}),
    },
    status: { phase: opts.phase ?? 'Running' },
  };
}

const quota = (hard: Record<string, string>, extra: Partial<ResourceQuota['spec']> = {}): ResourceQuota => ({ metadata: { name: 'q', namespace: 'ns' }, spec: { hard, ...extra } });

function used(q: ResourceQuota, objs: Partial<Record<string, ApiObject[]>>): Record<string, string> {
  return quotaUsed(q, (res: ResourceDescriptor) => objs[res.resource] ?? [], NOW);
}

test('pods: counts and compute resources, finished pods not charged', () => {
  const pods = [
    pod('a', { req: { cpu: '100m', memory: '64Mi' }, lim: { cpu: '200m', memory: '128Mi' } }),
    pod('b', { req: { cpu: '900m', memory: '64Mi' }, lim: { cpu: '1', memory: '128Mi' } }),
    pod('done', { req: { cpu: '5' }, phase: 'Succeeded' }),
  ];
  assert.deepEqual(used(quota({ pods: '10', 'count/pods': '10', 'requests.cpu': '4', cpu: '4', 'requests.memory': '1Gi', 'limits.cpu': '8', 'limits.memory': '2Gi', memory: '1G' }), { pods }), {
    pods: '2', 'count/pods': '2', 'requests.cpu': '1', cpu: '1', 'requests.memory': '128Mi', 'limits.cpu': '1200m', 'limits.memory': '256Mi', memory: '134217728',
  });
});

test('a pod past its deletion grace period is no longer charged', () => {
  const deleting = (grace: number): Pod => ({ ...pod('a'), metadata: { name: 'a', deletionTimestamp: new Date(NOW - 60_000).toISOString(), deletionGracePeriodSeconds: grace } });
  assert.equal(podCountsAgainstQuota(deleting(30), NOW), false);
  assert.equal(podCountsAgainstQuota(deleting(120), NOW), true);
});

test('scopes: BestEffort, NotBestEffort, Terminating, NotTerminating, PriorityClass selector', () => {
  const pods = [pod('be'), pod('burst', { req: { cpu: '1' } }), pod('job', { req: { cpu: '1' }, deadline: 60 }), pod('hi', { priorityClassName: 'high' })];
  const count = (extra: Partial<ResourceQuota['spec']>): string => used(quota({ pods: '10' }, extra), { pods })['pods']!;
  assert.equal(count({ scopes: ['BestEffort'] }), '2');
  assert.equal(count({ scopes: ['NotBestEffort'] }), '2');
  assert.equal(count({ scopes: ['Terminating'] }), '1');
  assert.equal(count({ scopes: ['NotTerminating', 'NotBestEffort'] }), '1');
  assert.equal(count({ scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } }), '1');
  assert.equal(count({ scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'DoesNotExist' }] } }), '3');
});

test('services, node ports, load balancers, claims and counted objects', () => {
  const services = [
    { spec: { type: 'ClusterIP', ports: [{ port: 80 }] } },
    { spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }, { port: 443, nodePort: 30002 }] } },
    { spec: { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30003 }] } },
  ] as unknown as ApiObject[];
  const pvcs = [
    { spec: { storageClassName: 'fast', resources: { requests: { storage: '10Gi' } } } },
    { spec: { resources: { requests: { storage: '5Gi' } } } },
  ] as unknown as ApiObject[];
  assert.deepEqual(used(quota({
    services: '10', 'services.nodeports': '5', 'services.loadbalancers': '2', persistentvolumeclaims: '5', 'requests.storage': '100Gi',
    'fast.storageclass.storage.k8s.io/requests.storage': '50Gi', 'count/deployments.apps': '3', configmaps: '5', 'count/widgets.example.com': '1',
  }), { services, persistentvolumeclaims: pvcs, deployments: [{}, {}], configmaps: [{}] }), {
    services: '3', 'services.nodeports': '3', 'services.loadbalancers': '1', persistentvolumeclaims: '2', 'requests.storage': '15Gi',
    'fast.storageclass.storage.k8s.io/requests.storage': '10Gi', 'count/deployments.apps': '2', configmaps: '1',
  });
  assert.equal(resourceForQuotaName('count/deployments.apps'), RESOURCES.deployments);
  assert.equal(resourceForQuotaName('count/widgets.example.com'), undefined);
});

test('limits include the largest init container; formatting and amount equality', () => {
  const p = pod('a', { lim: { cpu: '100m' } });
  p.spec!.initContainers = [{ name: 'i', resources: { limits: { cpu: '2' } } }];
  assert.equal(podLimits(p).get('cpu'), 2000);
  assert.equal(formatAmount('requests.cpu', 1500), '1500m');
  assert.equal(formatAmount('requests.cpu', 0), '0');
  assert.equal(formatAmount('requests.memory', 3 * 2 ** 30, '8Gi'), '3Gi');
  assert.equal(formatAmount('requests.memory', 500e6, '1G'), '500M');
  assert.equal(formatAmount('pods', 7, '10'), '7');
  assert.ok(sameResourceList({ cpu: '1', pods: '2' }, { cpu: '1000m', pods: '2' }));
  assert.ok(!sameResourceList({ cpu: '1' }, { cpu: '1', pods: '0' }));
});
