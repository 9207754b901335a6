/**
 * The scheduler and the controllers on simulated nodes, as a user drives them
 * with kubectl: `k8ts server --simulated-nodes 4`, nodes labelled into zones
 * and one tainted; a Deployment spread by anti-affinity, pods following a
 * nodeSelector and a zone topology spread, a pod too big for any node shown
 * in `kubectl describe pod` with upstream's message, and `k8ts why-pending`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../harness/server.js';
import { REPO_ROOT, findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';

const bin = findKubectl(35);
const skip = bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}`;
let server: RunningServer;
let k: Kubectl;

interface PodItem { metadata: { name: string; labels?: Record<string, string> }; spec: { nodeName?: string }; status?: { phase?: string; podIP?: string } }
const pods = (selector: string): PodItem[] => (JSON.parse(k.ok(['get', 'pods', '-l', selector, '-o', 'json'])) as { items: PodItem[] }).items;

before(async () => {
  if (skip) return;
  server = await startServer({ args: ['--simulated-nodes', '4'] });
  k = new Kubectl(bin.path!, server.kubeconfig);
  await eventually(() => (k.ok(['get', 'nodes', '--no-headers']).match(/\sReady\s/g) ?? []).length === 4, 30_000, '4 Ready nodes');
  for (const [node, zone] of [['sim-node-0', 'a'], ['sim-node-1', 'a'], ['sim-node-2', 'b'], ['sim-node-3', 'b']]) {
    k.ok(['label', 'node', node!, `topology.kubernetes.io/zone=zone-${zone}`]);
  }
  k.ok(['taint', 'node', 'sim-node-3', 'dedicated=gpu:NoSchedule']);
});
after(async () => { await server?.stop(); });

test('a Deployment with hostname anti-affinity lands one pod per untainted node, Running with IPs from the node podCIDRs', { skip }, async () => {
  k.ok(['apply', '-f', '-'], { input: `apiVersion: apps/v1
kind: Deployment
metadata: {name: spread}
spec:
  replicas: 3
  selector: {matchLabels: {app: spread}}
  template:
    metadata: {labels: {app: spread}}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: spread}}
            topologyKey: kubernetes.io/hostname
      containers: [{name: c, image: app:1}]
` });
  k.ok(['rollout', 'status', 'deployment/spread', '--timeout=60s']);
  const ps = pods('app=spread');
  assert.deepEqual(ps.map((p) => p.spec.nodeName).sort(), ['sim-node-0', 'sim-node-1', 'sim-node-2']);
  for (const p of ps) {
    const cidr = k.ok(['get', 'node', p.spec.nodeName!, '-o', 'jsonpath={.spec.podCIDR}']).trim();
    assert.equal(p.status?.phase, 'Running');
    assert.equal(p.status!.podIP!.split('.').slice(0, 3).join('.'), cidr.split('.').slice(0, 3).join('.'), `${p.metadata.name} IP in ${cidr}`);
  }
  k.ok(['delete', 'deployment', 'spread']);
});

test('nodeSelector and a zone topology spread place pods where upstream would', { skip }, async () => {
  k.ok(['run', 'pinned', '--image=app:1', '--overrides={"spec":{"nodeSelector":{"kubernetes.io/hostname":"sim-node-2"}}}']);
  await eventually(() => pods('run=pinned')[0]?.spec.nodeName === 'sim-node-2', 30_000, 'pinned on sim-node-2');
  k.ok(['apply', '-f', '-'], { input: `apiVersion: apps/v1
kind: Deployment
metadata: {name: zonal}
spec:
  replicas: 4
  selector: {matchLabels: {app: zonal}}
  template:
    metadata: {labels: {app: zonal}}
    spec:
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: DoNotSchedule
        labelSelector: {matchLabels: {app: zonal}}
      tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]
      containers: [{name: c, image: app:1}]
` });
  k.ok(['rollout', 'status', 'deployment/zonal', '--timeout=60s']);
  const zoneOf = (n: string): string => (Number(n.slice(-1)) < 2 ? 'a' : 'b');
  const zones = pods('app=zonal').map((p) => zoneOf(p.spec.nodeName!));
  assert.equal(zones.filter((z) => z === 'a').length, 2, `zones ${zones.join(',')}`);
  assert.equal(zones.filter((z) => z === 'b').length, 2, `zones ${zones.join(',')}`);
});

test('a pod no node fits stays Pending; describe shows upstream\'s message; why-pending explains each node', { skip }, async () => {
  k.ok(['run', 'huge', '--image=app:1', '--overrides={"spec":{"containers":[{"name":"huge","image":"app:1","resources":{"requests":{"cpu":"64"}}}]}}']);
  const want = '0/4 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.';
  const described = await eventually(() => {
    const d = k.ok(['describe', 'pod', 'huge']);
    return d.includes('FailedScheduling') ? d : undefined;
  }, 30_000, 'FailedScheduling event');
  assert.ok(described!.includes(want), described);
  assert.equal(k.ok(['get', 'pod', 'huge', '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].reason}']).trim(), 'Unschedulable');
  const why = execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'k8ts.js'), 'why-pending', 'huge', '--kubeconfig', server.kubeconfig], { encoding: 'utf8' });
  assert.match(why, /sim-node-3.*TaintToleration/);
  assert.match(why, /sim-node-0.*NodeResourcesFit.*Insufficient cpu/);
});
