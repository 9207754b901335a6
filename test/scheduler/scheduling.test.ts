/**
 * The scheduler against a real API server (`--disable-controllers`: API
 * only), started in this process, with nodes created through the API and
 * pods applied with real kubectl. Each case checks the node upstream's
 * default profile picks, and an unschedulable pod shows upstream's
 * FailedScheduling message in `kubectl describe pod`.
 *
 * Nodes: n-a1 (zone a, 2 cpu), n-a2 (zone a, 4 cpu, disk=ssd, PreferNoSchedule
 * taint), n-b1 (zone b, 2 cpu), n-gpu (zone b, 8 cpu, dedicated=gpu:NoSchedule).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { register } from 'prom-client';
import { createLogger } from '../../src/api/log.js';
import { RESOURCES, RestClient } from '../../src/client/index.js';
import { startScheduler, type RunningScheduler } from '../../src/scheduler/index.js';
import { findKubectl, REPO_ROOT } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';
import { startServer, type RunningServer } from '../harness/server.js';

const bin = ((): { path?: string; reason?: string } => {
  const b = findKubectl(35);
  return b.path ? b : findKubectl(32);
})();

const NODES: { name: string; zone: string; cpu: string; labels?: Record<string, string>; taints?: Node['spec'] extends infer S ? S extends { taints?: infer T } ? T : never : never }[] = [
  { name: 'n-a1', zone: 'a', cpu: '2' },
  { name: 'n-a2', zone: 'a', cpu: '4', labels: { disk: 'ssd' }, taints: [{ key: 'soft', value: 'x', effect: 'PreferNoSchedule' }] },
  { name: 'n-b1', zone: 'b', cpu: '2' },
  { name: 'n-gpu', zone: 'b', cpu: '8', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
];
const ZONE = Object.fromEntries(NODES.map((n) => [n.name, n.zone]));

describe('scheduler with real kubectl', { skip: bin.path ? false : `no kubectl: ${bin.reason}` }, () => {
  let server: RunningServer;
  let client: RestClient;
  let informerClient: RestClient;
  let scheduler: RunningScheduler;
  let k: Kubectl;
  const logger = createLogger('kube-scheduler', { level: process.env['SCHED_TEST_LOG'] ?? 'warn' });

  before(async () => {
    server = await startServer({ args: ['--disable-controllers'], datastore: 'memory' });
    client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'scheduler-test' });
    informerClient = RestClient.fromKubeconfig(server.kubeconfig, { component: 'scheduler-test-informers' });
    k = new Kubectl(bin.path!, server.kubeconfig);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const n of NODES) {
      await client.create<Node>(RESOURCES.nodes, {
        apiVersion: 'v1', kind: 'Node',
        metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name, 'topology.kubernetes.io/zone': n.zone, ...n.labels } },
        spec: n.taints ? { taints: n.taints } : {},
      });
      const alloc = { cpu: n.cpu, memory: '8Gi', pods: '110' };
      await client.patch(RESOURCES.nodes, n.name, { status: { capacity: alloc, allocatable: alloc,
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now }] } }, { subresource: 'status' });
    }
    scheduler = startScheduler({ client, informerClient, logger, config: { podInitialBackoffSeconds: 1, podMaxBackoffSeconds: 2 } });
    assert.equal(await scheduler.synced, true);
  });

  after(async () => {
    await scheduler?.stop();
    client?.close();
    informerClient?.close();
    await server?.stop();
  });

  const apply = (yaml: string): void => { k.ok(['apply', '-f', '-'], { input: yaml }); };
  const nodeOf = (name: string, ns = 'default'): string => k.ok(['get', 'pod', name, '-n', ns, '-o', 'jsonpath={.spec.nodeName}']).trim();
  const scheduled = (name: string, ns = 'default'): Promise<string> => eventually(() => nodeOf(name, ns), 20_000, `pod ${name} scheduled`);

  /** A pod manifest; `extra` is YAML indented under spec. */
  const podYaml = (name: string, opts: { labels?: Record<string, string>; cpu?: string; spec?: string; containerExtra?: string } = {}): string => `
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: ${JSON.stringify(opts.labels ?? {})}
spec:
  terminationGracePeriodSeconds: 0
  containers:
  - name: c
    image: nginx
    resources: { requests: { cpu: "${opts.cpu ?? '0'}" } }
${opts.containerExtra ?? ''}
${opts.spec ?? ''}
`;

  test('the Lease is held by the scheduler', async () => {
    await eventually(() => scheduler.isLeader(), 10_000, 'leadership');
    const holder = k.ok(['get', 'lease', 'kube-scheduler', '-n', 'kube-system', '-o', 'jsonpath={.spec.holderIdentity}']).trim();
    assert.notEqual(holder, '');
  });

  test('nodeName: a pod that names its node stays there', async () => {
    apply(podYaml('pinned', { spec: '  nodeName: n-b1' }));
    assert.equal(await scheduled('pinned'), 'n-b1');
    await eventually(() => scheduler.cache.hasPod('default/pinned'), 5000, 'pinned pod in the cache');
  });

  test('nodeSelector', async () => {
    apply(podYaml('sel', { spec: '  nodeSelector: { disk: ssd }' }));
    assert.equal(await scheduled('sel'), 'n-a2');
  });

  test('node affinity: required and preferred', async () => {
    apply(podYaml('req', { spec: `  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions: [{ key: topology.kubernetes.io/zone, operator: In, values: [b] }]` }));
    assert.equal(await scheduled('req'), 'n-b1');
    apply(podYaml('pref', { spec: `  affinity:
    nodeAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        preference:
          matchExpressions: [{ key: kubernetes.io/hostname, operator: In, values: [n-b1] }]` }));
    assert.equal(await scheduled('pref'), 'n-b1');
  });

  test('taints: NoSchedule needs a toleration; PreferNoSchedule is avoided', async () => {
    apply(podYaml('tol', { spec: `  nodeSelector: { kubernetes.io/hostname: n-gpu }
  tolerations: [{ key: dedicated, operator: Equal, value: gpu, effect: NoSchedule }]` }));
    assert.equal(await scheduled('tol'), 'n-gpu');
    apply(podYaml('soft', { spec: '  nodeSelector: { topology.kubernetes.io/zone: a }' }));
    assert.equal(await scheduled('soft'), 'n-a1');
  });

  test('resource fit: only the node with room', async () => {
    apply(podYaml('big', { cpu: '3' }));
    assert.equal(await scheduled('big'), 'n-a2');
  });

  test('host ports: two pods with one host port go to different nodes', async () => {
    const ports = '    ports: [{ containerPort: 80, hostPort: 8080 }]';
    apply(podYaml('port-1', { containerExtra: ports, spec: '  nodeSelector: { topology.kubernetes.io/zone: a }' }));
    apply(podYaml('port-2', { containerExtra: ports, spec: '  nodeSelector: { topology.kubernetes.io/zone: a }' }));
    const a = await scheduled('port-1');
    const b = await scheduled('port-2');
    assert.deepEqual([a, b].sort(), ['n-a1', 'n-a2']);
  });

  test('pod affinity and anti-affinity, by hostname and by zone', async () => {
    apply(podYaml('db', { labels: { app: 'db' }, spec: '  nodeSelector: { kubernetes.io/hostname: n-b1 }' }));
    assert.equal(await scheduled('db'), 'n-b1');
    const term = (kind: string, key: string): string => `  affinity:
    ${kind}:
      requiredDuringSchedulingIgnoredDuringExecution:
      - labelSelector: { matchLabels: { app: db } }
        topologyKey: ${key}
  tolerations: [{ key: dedicated, operator: Exists }]`;
    apply(podYaml('near-host', { spec: term('podAffinity', 'kubernetes.io/hostname') }));
    apply(podYaml('near-zone', { spec: term('podAffinity', 'topology.kubernetes.io/zone') }));
    apply(podYaml('far-zone', { spec: term('podAntiAffinity', 'topology.kubernetes.io/zone') }));
    assert.equal(await scheduled('near-host'), 'n-b1');
    assert.equal(ZONE[await scheduled('near-zone')], 'b');
    assert.equal(ZONE[await scheduled('far-zone')], 'a');
    const apart = `  nodeSelector: { topology.kubernetes.io/zone: a }
  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - labelSelector: { matchLabels: { app: apart } }
        topologyKey: kubernetes.io/hostname`;
    apply(podYaml('apart-1', { labels: { app: 'apart' }, spec: apart }));
    assert.ok(await scheduled('apart-1'));
    apply(podYaml('apart-2', { labels: { app: 'apart' }, spec: apart }));
    assert.deepEqual([await scheduled('apart-1'), await scheduled('apart-2')].sort(), ['n-a1', 'n-a2']);
  });

  test('topology spread across zones', async () => {
    const zones: string[] = [];
    for (let i = 0; i < 4; i++) {
      apply(podYaml(`spread-${i}`, { labels: { app: 'spread' }, spec: `  topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: DoNotSchedule
    labelSelector: { matchLabels: { app: spread } }` }));
      zones.push(ZONE[await scheduled(`spread-${i}`)]!);
    }
    assert.deepEqual(zones.filter((z) => z === 'a').length, 2, `zones: ${zones.join(',')}`);
    assert.deepEqual(zones.filter((z) => z === 'b').length, 2, `zones: ${zones.join(',')}`);
  });

  test('an unschedulable pod gets PodScheduled=False and upstream\'s FailedScheduling message', async () => {
    apply(podYaml('huge', { cpu: '10' }));
    const want = '0/4 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu. '
      + 'preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.';
    const reason = await eventually(() => k.ok(['get', 'pod', 'huge', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].reason}']).trim(), 20_000, 'condition');
    assert.equal(reason, 'Unschedulable');
    assert.equal(k.ok(['get', 'pod', 'huge', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].message}']).trim(), want);
    const described = await eventually(() => {
      const out = k.ok(['describe', 'pod', 'huge']);
      return out.includes('FailedScheduling') ? out : '';
    }, 20_000, 'FailedScheduling event');
    assert.match(described, /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/4 nodes are available: 1 node\(s\) had untolerated taint \{dedicated: gpu\}, 3 Insufficient cpu\. preemption:/);
    assert.equal(nodeOf('huge'), '');
  });

  test('why-pending prints, node by node, the plugin that rejects the pod', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'k8ts.js'), 'why-pending', 'huge', '--kubeconfig', server.kubeconfig], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^Pod default\/huge \(scheduler default-scheduler\): 0\/4 nodes are available: 1 node\(s\) had untolerated taint \{dedicated: gpu\}, 3 Insufficient cpu\.$/);
    const row = (n: string): string => lines.find((l) => l.startsWith(n + ' ')) ?? '';
    assert.match(row('n-gpu'), /UnschedulableAndUnresolvable\s+TaintToleration\s+node\(s\) had untolerated taint \{dedicated: gpu\}/);
    assert.match(row('n-a1'), /Unschedulable\s+NodeResourcesFit\s+Insufficient cpu/);
    // A pod that fits: every node with its scores.
    const ok = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'k8ts.js'), 'why-pending', 'sel', '--kubeconfig', server.kubeconfig], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /would be scheduled to n-a2/);
    assert.match(ok.stdout, /n-a2\s+Feasible\s+score \d+\s+.*NodeResourcesFit=\d+/);
  });

  test('preemption by a higher PriorityClass', async () => {
    apply(`apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: low }
value: 100
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: high }
value: 1000`);
    apply(podYaml('victim', { cpu: '1500m', spec: '  priorityClassName: low\n  nodeSelector: { kubernetes.io/hostname: n-b1 }' }));
    assert.equal(await scheduled('victim'), 'n-b1');
    const victimUid = k.ok(['get', 'pod', 'victim', '-o', 'jsonpath={.metadata.uid}']).trim();
    apply(podYaml('preemptor', { cpu: '1500m', spec: '  priorityClassName: high\n  nodeSelector: { kubernetes.io/hostname: n-b1 }' }));
    assert.equal(await scheduled('preemptor'), 'n-b1');
    const left = k.run(['get', 'pod', 'victim', '-o', 'jsonpath={.metadata.uid}']);
    assert.ok(left.status !== 0 || left.stdout.trim() !== victimUid, 'the victim was deleted');
    const events = k.ok(['get', 'events', '--field-selector', 'reason=Preempted', '-o', 'jsonpath={.items[*].message}']);
    assert.match(events, /Preempted by pod .* on node n-b1/);
  });

  test('a pod for another schedulerName is left alone, and a second scheduler takes it', async () => {
    apply(podYaml('other', { spec: '  schedulerName: other-scheduler' }));
    apply(podYaml('marker'));
    await scheduled('marker');
    assert.equal(nodeOf('other'), '');
    const second = startScheduler({ client, informerClient, logger, leaderElect: false, config: { profiles: [{ schedulerName: 'other-scheduler' }] } });
    try {
      assert.ok(await scheduled('other'));
      const src = await eventually(() => k.ok(['get', 'events', '--field-selector', 'involvedObject.name=other,reason=Scheduled', '-o', 'jsonpath={.items[*].source.component}']).trim(), 10_000, 'Scheduled event');
      assert.equal(src, 'other-scheduler');
    } finally {
      await second.stop();
    }
  });

  test('metrics count attempts by result', async () => {
    const text = await register.getSingleMetricAsString('scheduler_schedule_attempts_total');
    assert.match(text, /scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} \d+/);
    assert.match(text, /scheduler_schedule_attempts_total\{result="unschedulable",profile="default-scheduler"\} \d+/);
    const pods = (await client.list<Pod>(RESOURCES.pods, { namespace: 'default' })).items;
    assert.ok(pods.length > 10);
  });
});
