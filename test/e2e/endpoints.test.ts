/**
 * Endpoints and EndpointSlices with real kubectl: `kubectl expose` of pods
 * that the stand-in cluster runs, then `kubectl get endpoints`,
 * `kubectl get endpointslices -l kubernetes.io/service-name=...` and
 * `kubectl describe svc` show the pods' IPs at the named target port.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, Pod } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { startFakeCluster, type FakeCluster } from '../harness/fake-cluster.js';
import { findKubectl } from '../harness/clients.js';
import { eventually as poll, Kubectl } from '../harness/kubectl.js';
import { RESOURCES } from '../../src/client/index.js';

const bin = findKubectl(35);
const old = findKubectl(31);
const skip = bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}`;

/** Polls until fn returns a value (not undefined or false). */
async function eventually<T>(fn: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  return (await poll(fn, ms, what)) as T;
}

let server: RunningServer;
let cluster: FakeCluster;
let kubectl: Kubectl;

before(async () => {
  if (skip) return;
  server = await startServer({ datastore: 'memory', args: ['--controllers', 'endpoint,endpointslice,garbagecollector', '--max-endpoints-per-slice', '2'] });
  cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: 2 });
  await cluster.client.patch(RESOURCES.nodes, 'node-0', { metadata: { labels: { 'topology.kubernetes.io/zone': 'zone-a' } } });
  kubectl = new Kubectl(bin.path!, server.kubeconfig);
});
after(async () => {
  await cluster?.stop();
  await server?.stop();
});

const pod = (name: string, ns: string): string => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] },
});

async function runningPods(ns: string, n: number): Promise<Pod[]> {
  return eventually(async () => {
    const list = await cluster.client.list<Pod>(RESOURCES.pods, { namespace: ns });
    const ready = list.items.filter((p) => p.status?.podIP && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    return ready.length === n ? ready : undefined;
  }, 15_000, `${n} running pods`);
}

test('kubectl expose: Endpoints and EndpointSlices hold the pods at the named target port', { skip }, async () => {
  const ns = 'expose';
  kubectl.ok(['create', 'namespace', ns]);
  for (const name of ['web-0', 'web-1', 'web-2']) kubectl.ok(['apply', '-f', '-'], { input: pod(name, ns) });
  const pods = await runningPods(ns, 3);
  const ips = pods.map((p) => p.status!.podIP!).sort();
  kubectl.ok(['expose', 'pod', 'web-0', '-n', ns, '--name=web', '--port=80', '--target-port=http', '--selector=app=web']);

  const ep = await eventually(async () => {
    const e = JSON.parse(kubectl.ok(['get', 'endpoints', 'web', '-n', ns, '-o', 'json'])) as Endpoints;
    return (e.subsets?.[0]?.addresses?.length ?? 0) === 3 ? e : undefined;
  }, 15_000, 'endpoints with 3 addresses');
  assert.deepEqual(ep.subsets!.map((s) => s.ports), [[{ port: 8080, protocol: 'TCP' }]]);
  assert.deepEqual(ep.subsets![0]!.addresses!.map((a) => a.ip).sort(), ips);
  for (const a of ep.subsets![0]!.addresses!) {
    assert.equal(a.targetRef?.kind, 'Pod');
    assert.ok(cluster.nodes.includes(a.nodeName!), `nodeName ${a.nodeName}`);
  }
  assert.match(ep.metadata!.annotations!['endpoints.kubernetes.io/last-change-trigger-time']!, /^\d{4}-\d\d-\d\dT/);
  const wide = kubectl.ok(['get', 'endpoints', 'web', '-n', ns]);
  for (const ip of ips) assert.match(wide, new RegExp(`${ip.replace(/\./g, '\\.')}:8080`));

  // Three endpoints with at most two per slice: two slices, all with the service's labels and owner.
  const slices = await eventually(async () => {
    const l = JSON.parse(kubectl.ok(['get', 'endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=web', '-o', 'json'])) as { items: EndpointSlice[] };
    const n = l.items.reduce((a, s) => a + (s.endpoints?.length ?? 0), 0);
    return n === 3 ? l.items : undefined;
  }, 15_000, 'endpointslices with 3 endpoints');
  assert.equal(slices.length, 2);
  for (const s of slices) {
    assert.equal(s.addressType, 'IPv4');
    assert.match(s.metadata!.name!, /^web-[a-z0-9]{5}$/);
    assert.equal(s.metadata!.labels!['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(s.metadata!.ownerReferences?.[0]?.kind, 'Service');
    assert.deepEqual(s.ports, [{ name: '', port: 8080, protocol: 'TCP' }]);
    for (const e of s.endpoints) {
      assert.deepEqual(e.conditions, { ready: true, serving: true, terminating: false });
      assert.equal(e.zone, e.nodeName === 'node-0' ? 'zone-a' : undefined);
    }
  }
  assert.deepEqual(slices.flatMap((s) => s.endpoints.map((e) => e.addresses[0]!)).sort(), ips);
  const table = kubectl.ok(['get', 'endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=web']);
  assert.match(table, /IPv4\s+8080/);

  const describe = kubectl.ok(['describe', 'svc', 'web', '-n', ns]);
  for (const ip of ips) assert.match(describe, new RegExp(`${ip.replace(/\./g, '\\.')}:8080`), describe);
  if (old.path) {
    // Older kubectl describes a Service from its Endpoints.
    const d31 = new Kubectl(old.path, server.kubeconfig).ok(['describe', 'svc', 'web', '-n', ns]);
    for (const ip of ips) assert.match(d31, new RegExp(`${ip.replace(/\./g, '\\.')}:8080`), d31);
  } else {
    console.log(`# kubectl 1.31 describe svc not checked: ${old.reason}`);
  }

  // A deleted pod leaves both; the slices stay settled (no write loop).
  kubectl.ok(['delete', 'pod', 'web-1', '-n', ns, '--wait=false']);
  const gone = pods.find((p) => p.metadata!.name === 'web-1')!.status!.podIP!;
  await eventually(async () => {
    const e = JSON.parse(kubectl.ok(['get', 'endpoints', 'web', '-n', ns, '-o', 'json'])) as Endpoints;
    const l = JSON.parse(kubectl.ok(['get', 'endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=web', '-o', 'json'])) as { items: EndpointSlice[] };
    const sliceIps = l.items.flatMap((s) => (s.endpoints ?? []).map((x) => x.addresses[0]));
    return e.subsets?.[0]?.addresses?.length === 2 && !sliceIps.includes(gone) && sliceIps.length === 2;
  }, 15_000, 'web-1 removed from endpoints and slices');
  const rvs = (): string => kubectl.ok(['get', 'endpointslices,endpoints', '-n', ns, '-o', 'jsonpath={.items[*].metadata.resourceVersion}']);
  const before1 = rvs();
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(rvs(), before1, 'endpoints and slices are rewritten with nothing changing');
});

test('not-ready pods: notReadyAddresses, ready=false; publishNotReadyAddresses lists them as ready', { skip }, async () => {
  const ns = 'notready';
  kubectl.ok(['create', 'namespace', ns]);
  kubectl.ok(['apply', '-f', '-'], { input: pod('p', ns) });
  const [p] = await runningPods(ns, 1);
  await cluster.client.patch(RESOURCES.pods, 'p', {
    status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] },
  }, { namespace: ns, subresource: 'status', type: 'strategic' });
  kubectl.ok(['create', 'service', 'clusterip', 'svc', '-n', ns, '--tcp=80:8080']);
  kubectl.ok(['set', 'selector', 'service', 'svc', '-n', ns, 'app=web']);
  const ep = await eventually(async () => {
    const e = JSON.parse(kubectl.ok(['get', 'endpoints', 'svc', '-n', ns, '-o', 'json'])) as Endpoints;
    return e.subsets?.[0]?.notReadyAddresses?.length === 1 ? e : undefined;
  }, 15_000, 'a not-ready address');
  assert.equal(ep.subsets![0]!.notReadyAddresses![0]!.ip, p!.status!.podIP);
  assert.equal(ep.subsets![0]!.addresses, undefined);
  const slice = await eventually(async () => {
    const l = JSON.parse(kubectl.ok(['get', 'endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=svc', '-o', 'json'])) as { items: EndpointSlice[] };
    return l.items[0]?.endpoints?.length === 1 ? l.items[0] : undefined;
  }, 15_000, 'a slice with the not-ready pod');
  assert.deepEqual(slice.endpoints[0]!.conditions, { ready: false, serving: false, terminating: false });

  kubectl.ok(['patch', 'service', 'svc', '-n', ns, '-p', '{"spec":{"publishNotReadyAddresses":true}}']);
  await eventually(async () => {
    const e = JSON.parse(kubectl.ok(['get', 'endpoints', 'svc', '-n', ns, '-o', 'json'])) as Endpoints;
    const l = JSON.parse(kubectl.ok(['get', 'endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=svc', '-o', 'json'])) as { items: EndpointSlice[] };
    return e.subsets?.[0]?.addresses?.length === 1 && l.items[0]?.endpoints?.[0]?.conditions?.ready === true;
  }, 15_000, 'published not-ready address');
});

test('headless service: headless label; a selector-less service is left to its user; kubernetes service untouched', { skip }, async () => {
  const ns = 'headless';
  kubectl.ok(['create', 'namespace', ns]);
  kubectl.ok(['apply', '-f', '-'], { input: pod('h', ns) });
  await runningPods(ns, 1);
  kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'hl', namespace: ns }, spec: { clusterIP: 'None', selector: { app: 'web' } } }) });
  const ep = await eventually(async () => {
    const e = JSON.parse(kubectl.ok(['get', 'endpoints', 'hl', '-n', ns, '-o', 'json'])) as Endpoints;
    return e.subsets?.[0]?.addresses?.length === 1 ? e : undefined;
  }, 15_000, 'headless endpoints');
  assert.equal(ep.metadata!.labels!['service.kubernetes.io/headless'], '');
  assert.equal(ep.subsets![0]!.ports, undefined);

  kubectl.ok(['create', 'service', 'clusterip', 'manual', '-n', ns, '--tcp=80:8080']);
  kubectl.ok(['patch', 'service', 'manual', '-n', ns, '--type=json', '-p', '[{"op":"remove","path":"/spec/selector"}]']);
  kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'manual', namespace: ns }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 9 }] }] }) });
  await new Promise((r) => setTimeout(r, 1000));
  const manual = JSON.parse(kubectl.ok(['get', 'endpoints', 'manual', '-n', ns, '-o', 'json'])) as Endpoints;
  assert.equal(manual.subsets![0]!.addresses![0]!.ip, '192.0.2.1');
  const noSlices = JSON.parse(kubectl.ok(['get', 'endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=manual', '-o', 'json'])) as { items: unknown[] };
  assert.equal(noSlices.items.length, 0);
  const k8s = JSON.parse(kubectl.ok(['get', 'endpoints', 'kubernetes', '-n', 'default', '-o', 'json'])) as Endpoints;
  assert.equal(k8s.subsets![0]!.ports![0]!.name, 'https');

  // A deleted service takes its Endpoints and (through the garbage collector) its slices.
  kubectl.ok(['delete', 'service', 'hl', '-n', ns]);
  await eventually(async () => kubectl.run(['get', 'endpoints', 'hl', '-n', ns]).status !== 0, 15_000, 'endpoints deleted');
  await eventually(async () => (JSON.parse(kubectl.ok(['get', 'endpointslices', '-n', ns, '-l', 'kubernetes.io/service-name=hl', '-o', 'json'])) as { items: unknown[] }).items.length === 0, 15_000, 'slices deleted');
});
