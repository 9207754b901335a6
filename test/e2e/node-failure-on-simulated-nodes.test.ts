/**
 * Node failure end to end on simulated nodes: a node stopped with
 * `kubectl annotate node X sim.k8ts.io/stopped=true` stops renewing its
 * Lease, the node lifecycle controller marks it NotReady and taints it, its
 * pods are evicted after their (shortened) tolerationSeconds, and the
 * ReplicaSet recreates them on the other nodes; when the node comes back it
 * is Ready and untainted again.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../harness/server.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';

const bin = findKubectl(35);
const skip = bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}`;
let server: RunningServer;
let k: Kubectl;

interface PodItem { metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string }; status?: { phase?: string } }

before(async () => {
  if (skip) return;
  server = await startServer({
    args: ['--simulated-nodes', '3', '--sim-heartbeat-interval', '1s', '--node-monitor-grace-period', '5s', '--node-monitor-period', '1s',
      '--default-not-ready-toleration-seconds', '2', '--default-unreachable-toleration-seconds', '2'],
  });
  k = new Kubectl(bin.path!, server.kubeconfig);
  await eventually(() => (k.ok(['get', 'nodes', '--no-headers']).match(/\sReady\s/g) ?? []).length === 3, 30_000, '3 Ready nodes');
});
after(async () => { await server?.stop(); });

test('a stopped simulated node goes NotReady, its pods are evicted and recreated elsewhere, and it comes back', { skip, timeout: 180_000 }, async () => {
  k.ok(['create', 'deployment', 'web', '--image=web:1', '--replicas=6']);
  k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  const live = (): PodItem[] => (JSON.parse(k.ok(['get', 'pods', '-l', 'app=web', '-o', 'json'])) as { items: PodItem[] }).items
    .filter((p) => !p.metadata.deletionTimestamp);
  const victim = live()[0]!.spec.nodeName!;
  const onVictim = live().filter((p) => p.spec.nodeName === victim).map((p) => p.metadata.name);
  assert.ok(onVictim.length > 0);

  k.ok(['annotate', 'node', victim, 'sim.k8ts.io/stopped=true']);
  await eventually(() => /\sNotReady\s/.test(k.ok(['get', 'node', victim, '--no-headers'])), 30_000, `${victim} NotReady`);
  const taints = k.ok(['get', 'node', victim, '-o', 'jsonpath={.spec.taints[*].key}']);
  assert.match(taints, /node\.kubernetes\.io\/unreachable/);
  assert.equal(k.ok(['get', 'node', victim, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']).trim(), 'Unknown');

  await eventually(() => {
    const ps = live();
    return ps.length === 6 && ps.every((p) => p.spec.nodeName && p.spec.nodeName !== victim && p.status?.phase === 'Running');
  }, 90_000, 'six Running replicas off the stopped node');
  const events = k.ok(['get', 'events', '--field-selector', 'reason=TaintManagerEviction', '-o', 'jsonpath={.items[*].involvedObject.name}']);
  for (const name of onVictim) assert.ok(events.includes(name), `eviction event for ${name}`);

  k.ok(['annotate', 'node', victim, 'sim.k8ts.io/stopped-']);
  await eventually(() => /\sReady\s/.test(k.ok(['get', 'node', victim, '--no-headers'])), 30_000, `${victim} Ready again`);
  await eventually(() => !/unreachable|not-ready/.test(k.ok(['get', 'node', victim, '-o', 'jsonpath={.spec.taints[*].key}'])), 30_000, 'taints removed');
});
