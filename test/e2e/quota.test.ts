/**
 * ResourceQuota usage and the default ServiceAccount, with real kubectl: a
 * new namespace gets `default`; `kubectl describe quota` shows what pods,
 * services and counted objects use, scoped quotas count only their pods,
 * and usage follows deletions.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResourceQuota } from 'kubernetes-types/core/v1.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { findKubectl } from '../harness/clients.js';
import { eventually as poll, Kubectl } from '../harness/kubectl.js';

const bin = findKubectl(35);
const skip = bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}`;

async function eventually<T>(fn: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  return (await poll(fn, ms, what)) as T;
}

let server: RunningServer;
let kubectl: Kubectl;

before(async () => {
  if (skip) return;
  server = await startServer({ datastore: 'memory', args: ['--controllers', 'resourcequota,serviceaccount,namespace'] });
  kubectl = new Kubectl(bin.path!, server.kubeconfig);
});
after(async () => { await server?.stop(); });

const pod = (name: string, resources?: object, extra: object = {}): string => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name },
  spec: { containers: [{ name: 'c', image: 'nginx', ...(resources ? { resources } : {}) }], ...extra },
});

/** `kubectl describe quota` rows: resource -> [used, hard]. */
function describeRows(text: string): Map<string, [string, string]> {
  const rows = new Map<string, [string, string]>();
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^Resource\s+Used\s+Hard/.test(l));
  for (const l of lines.slice(start + 2)) {
    const m = /^(\S+)\s+(\S+)\s+(\S+)\s*$/.exec(l);
    if (m) rows.set(m[1]!, [m[2]!, m[3]!]);
  }
  return rows;
}

test('a new namespace gets the default service account', { skip }, async () => {
  kubectl.ok(['create', 'namespace', 'fresh']);
  await eventually(async () => kubectl.run(['get', 'serviceaccount', 'default', '-n', 'fresh']).status === 0, 10_000, 'default service account');
  // Deleted, it comes back.
  kubectl.ok(['delete', 'serviceaccount', 'default', '-n', 'fresh']);
  await eventually(async () => kubectl.run(['get', 'serviceaccount', 'default', '-n', 'fresh']).status === 0, 10_000, 'default service account recreated');
  const out = kubectl.ok(['get', 'serviceaccounts', '-A']);
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'fresh']) assert.match(out, new RegExp(`^${ns}\\s+default\\s`, 'm'), out);
});

test('kubectl describe quota shows usage of pods, compute resources, services and counted objects', { skip }, async () => {
  const ns = 'quota';
  kubectl.ok(['create', 'namespace', ns]);
  kubectl.ok(['create', 'quota', 'compute', '-n', ns,
    '--hard=pods=10,requests.cpu=2,requests.memory=1Gi,limits.cpu=4,limits.memory=2Gi,services=5,services.nodeports=3,services.loadbalancers=1,configmaps=4,secrets=5,count/deployments.apps=2']);
  kubectl.ok(['create', 'quota', 'besteffort', '-n', ns, '--hard=pods=5', '--scopes=BestEffort']);
  const n = ['-n', ns];
  kubectl.ok(['apply', ...n, '-f', '-'], { input: pod('a', { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }) });
  kubectl.ok(['apply', ...n, '-f', '-'], { input: pod('b', { requests: { cpu: '750m', memory: '192Mi' }, limits: { cpu: '1', memory: '256Mi' } }) });
  kubectl.ok(['apply', ...n, '-f', '-'], { input: pod('free') });
  kubectl.ok(['create', 'service', 'nodeport', 'np', ...n, '--tcp=80:8080', '--tcp=443:8443']);
  kubectl.ok(['create', 'service', 'clusterip', 'cip', ...n, '--tcp=80:8080']);
  kubectl.ok(['create', 'configmap', 'cm', ...n, '--from-literal=a=b']);
  kubectl.ok(['create', 'deployment', 'd', ...n, '--image=nginx']);

  const want: Record<string, [string, string]> = {
    pods: ['3', '10'], 'requests.cpu': ['1', '2'], 'requests.memory': ['256Mi', '1Gi'], 'limits.cpu': ['1500m', '4'],
    'limits.memory': ['384Mi', '2Gi'], services: ['2', '5'], 'services.nodeports': ['2', '3'], 'services.loadbalancers': ['0', '1'],
    configmaps: ['1', '4'], secrets: ['0', '5'], 'count/deployments.apps': ['1', '2'],
  };
  let last = '';
  await eventually(async () => {
    last = kubectl.ok(['describe', 'quota', 'compute', ...n]);
    const rows = describeRows(last);
    return Object.entries(want).every(([k, v]) => rows.get(k)?.[0] === v[0] && rows.get(k)?.[1] === v[1]);
  }, 15_000, 'quota usage').catch((e: Error) => { throw new Error(`${e.message}\n${last}`); });
  const be = describeRows(kubectl.ok(['describe', 'quota', 'besteffort', ...n]));
  assert.deepEqual(be.get('pods'), ['1', '5'], 'only the pod without requests or limits is BestEffort');
  const q = JSON.parse(kubectl.ok(['get', 'quota', 'compute', ...n, '-o', 'json'])) as ResourceQuota;
  assert.deepEqual(q.status!.hard, q.spec!.hard);

  // Usage follows deletions and finished pods.
  kubectl.ok(['delete', 'pod', 'b', ...n, '--grace-period=0', '--force']);
  kubectl.ok(['delete', 'service', 'np', ...n]);
  await eventually(async () => {
    last = kubectl.ok(['describe', 'quota', 'compute', ...n]);
    const rows = describeRows(last);
    return rows.get('pods')?.[0] === '2' && rows.get('requests.cpu')?.[0] === '250m' && rows.get('requests.memory')?.[0] === '64Mi'
      && rows.get('services')?.[0] === '1' && rows.get('services.nodeports')?.[0] === '0';
  }, 15_000, 'usage after deletions').catch((e: Error) => { throw new Error(`${e.message}\n${last}`); });
  const table = kubectl.ok(['get', 'quota', 'compute', ...n]);
  assert.match(table, /pods: 2\/10/);
});
