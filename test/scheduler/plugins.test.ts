/**
 * The in-tree plugins and the framework on in-memory nodes and pods: which
 * nodes each filter rejects with upstream's reasons, how scores order nodes,
 * and the FailedScheduling message built from the rejections.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainPod } from '../../src/scheduler/explain.js';
import { numFeasibleNodesToFind } from '../../src/scheduler/schedule-one.js';
import { pluginsFor, validateSchedulerConfig, SchedulerConfigError } from '../../src/scheduler/config.js';
import { IN_TREE_PLUGINS, PLUGIN_POINTS } from '../../src/scheduler/plugins/registry.js';
import { node, pod, world } from './fixtures.js';

const feasible = (e: ReturnType<typeof explainPod>): string[] => e.nodes.filter((v) => v.feasible).map((v) => v.node).sort();
const best = (e: ReturnType<typeof explainPod>): string => e.nodes[0]!.node;

test('unschedulable message is upstream\'s sorted histogram', () => {
  const w = world([
    node('a', { cpu: '1' }), node('b', { cpu: '1' }), node('c', { cpu: '1' }),
    node('gpu', { cpu: '8', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
  ]);
  const e = explainPod(w.fwk, w.cache, pod('big', { cpu: '2' }));
  assert.deepEqual(feasible(e), []);
  assert.equal(e.summary, '0/4 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu.');
});

test('NodeResourcesFit: pods count, memory and extended resources; LeastAllocated prefers the emptier node', () => {
  const w = world([node('full', { pods: '1' }), node('small', { memory: '1Gi' }), node('busy', { cpu: '4' }), node('idle', { cpu: '4' })],
    [pod('x', { nodeName: 'full' }), pod('y', { nodeName: 'busy', cpu: '3' })]);
  const e = explainPod(w.fwk, w.cache, pod('p', { cpu: '500m', memory: '2Gi' }));
  assert.deepEqual(feasible(e), ['busy', 'idle']);
  assert.equal(best(e), 'idle');
  const reasons = Object.fromEntries(e.nodes.filter((v) => !v.feasible).map((v) => [v.node, v.rejections[0]!.reasons]));
  assert.deepEqual(reasons, { full: ['Too many pods'], small: ['Insufficient memory'] });
  const gpu = world([node('plain'), node('gpu', { extra: { 'example.com/gpu': '2' } })]);
  const g = pod('g');
  g.spec!.containers[0]!.resources = { requests: { 'example.com/gpu': '1' }, limits: { 'example.com/gpu': '1' } };
  const eg = explainPod(gpu.fwk, gpu.cache, g);
  assert.deepEqual(feasible(eg), ['gpu']);
  assert.equal(eg.nodes.find((v) => v.node === 'plain')!.rejections[0]!.reasons[0], 'Insufficient example.com/gpu');
});

test('MostAllocated from pluginConfig packs pods', () => {
  const w = world([node('busy'), node('idle')], [pod('y', { nodeName: 'busy', cpu: '3' })], {
    pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }],
  });
  assert.equal(best(explainPod(w.fwk, w.cache, pod('p', { cpu: '500m' }))), 'busy');
});

test('NodeAffinity: nodeSelector and required terms filter, preferred terms score', () => {
  const w = world([node('a', { labels: { disk: 'ssd' } }), node('b', { labels: { disk: 'hdd' } }), node('c')]);
  const sel = explainPod(w.fwk, w.cache, pod('p', { nodeSelector: { disk: 'ssd' } }));
  assert.deepEqual(feasible(sel), ['a']);
  assert.equal(sel.summary.startsWith('would be scheduled to a'), true);
  assert.equal(sel.nodes.find((v) => v.node === 'b')!.rejections[0]!.reasons[0], "node(s) didn't match Pod's node affinity/selector");
  const req = explainPod(w.fwk, w.cache, pod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {
    nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }] } } } }));
  assert.deepEqual(feasible(req), ['a', 'b']);
  const pref = explainPod(w.fwk, w.cache, pod('p', { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
    { weight: 50, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['hdd'] }] } }] } } }));
  assert.equal(best(pref), 'b');
  assert.equal(pref.nodes[0]!.scores['NodeAffinity'], 200);
});

test('TaintToleration: NoSchedule filters unless tolerated, PreferNoSchedule lowers the score; cordoned nodes are unschedulable', () => {
  const w = world([
    node('tainted', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }),
    node('prefer', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] }),
    node('clean'),
    node('cordoned', { unschedulable: true }),
  ]);
  const e = explainPod(w.fwk, w.cache, pod('p'));
  assert.deepEqual(feasible(e), ['clean', 'prefer']);
  assert.equal(best(e), 'clean');
  assert.equal(e.nodes.find((v) => v.node === 'cordoned')!.rejections[0]!.reasons[0], 'node(s) were unschedulable');
  const t = explainPod(w.fwk, w.cache, pod('p', { tolerations: [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }] }));
  assert.deepEqual(feasible(t), ['clean', 'prefer', 'tainted']);
});

test('NodePorts: a used host port rejects the node', () => {
  const withPort = (name: string, nodeName?: string) => {
    const p = pod(name, nodeName ? { nodeName } : {});
    p.spec!.containers[0]!.ports = [{ containerPort: 80, hostPort: 8080 }];
    return p;
  };
  const w = world([node('a'), node('b')], [withPort('x', 'a')]);
  const e = explainPod(w.fwk, w.cache, withPort('p'));
  assert.deepEqual(feasible(e), ['b']);
  assert.equal(e.nodes.find((v) => v.node === 'a')!.rejections[0]!.reasons[0], "node(s) didn't have free ports for the requested pod ports");
});

test('InterPodAffinity: required affinity and anti-affinity by hostname and zone; existing anti-affinity', () => {
  const nodes = [node('a1', { zone: 'za' }), node('a2', { zone: 'za' }), node('b1', { zone: 'zb' })];
  const db = pod('db', { nodeName: 'a1', labels: { app: 'db' } });
  const w = world(nodes, [db]);
  const term = (key: string) => [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: key }];
  const aff = explainPod(w.fwk, w.cache, pod('p', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: term('topology.kubernetes.io/zone') } } }));
  assert.deepEqual(feasible(aff), ['a1', 'a2']);
  assert.equal(aff.nodes.find((v) => v.node === 'b1')!.rejections[0]!.reasons[0], "node(s) didn't match pod affinity rules");
  const host = explainPod(w.fwk, w.cache, pod('p', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: term('kubernetes.io/hostname') } } }));
  assert.deepEqual(feasible(host), ['a1']);
  const anti = explainPod(w.fwk, w.cache, pod('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: term('topology.kubernetes.io/zone') } } }));
  assert.deepEqual(feasible(anti), ['b1']);
  assert.equal(anti.nodes.find((v) => v.node === 'a2')!.rejections[0]!.reasons[0], "node(s) didn't match pod anti-affinity rules");
  // An existing pod that repels app=web from its host.
  const guard = pod('guard', { nodeName: 'b1', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [
    { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } } });
  const w2 = world(nodes, [guard]);
  const ex = explainPod(w2.fwk, w2.cache, pod('web', { labels: { app: 'web' } }));
  assert.deepEqual(feasible(ex), ['a1', 'a2']);
  assert.equal(ex.nodes.find((v) => v.node === 'b1')!.rejections[0]!.reasons[0], "node(s) didn't satisfy existing pods anti-affinity rules");
  // First pod of a self-affine group may go anywhere with the key.
  const self = explainPod(w2.fwk, w2.cache, pod('s', { labels: { app: 'solo' }, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [
    { labelSelector: { matchLabels: { app: 'solo' } }, topologyKey: 'topology.kubernetes.io/zone' }] } } }));
  assert.deepEqual(feasible(self), ['a1', 'a2', 'b1']);
  // Preferred anti-affinity scores away from the db's zone.
  const pref = explainPod(w.fwk, w.cache, pod('p', { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
    { weight: 100, podAffinityTerm: term('topology.kubernetes.io/zone')[0]! }] } } }));
  assert.equal(best(pref), 'b1');
});

test('PodTopologySpread: DoNotSchedule keeps the skew; missing label is unresolvable', () => {
  const nodes = [node('a', { zone: 'za' }), node('b', { zone: 'zb' }), node('nolabel')];
  const w = world(nodes, [pod('w1', { nodeName: 'a', labels: { app: 'web' } })]);
  const c = [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }];
  const e = explainPod(w.fwk, w.cache, pod('w2', { labels: { app: 'web' }, topologySpreadConstraints: c }));
  assert.deepEqual(feasible(e), ['b']);
  const reasons = Object.fromEntries(e.nodes.filter((v) => !v.feasible).map((v) => [v.node, v.rejections[0]!.reasons[0]]));
  assert.deepEqual(reasons, {
    a: "node(s) didn't match pod topology spread constraints",
    nolabel: "node(s) didn't match pod topology spread constraints (missing required label)",
  });
  const soft = explainPod(w.fwk, w.cache, pod('w2', { labels: { app: 'web' }, topologySpreadConstraints: [{ ...c[0]!, whenUnsatisfiable: 'ScheduleAnyway' }] }));
  assert.equal(best(soft), 'b');
});

test('VolumeBinding: missing and unbound Immediate claims; PV node affinity', () => {
  const w = world([node('a', { zone: 'za' }), node('b', { zone: 'zb' })]);
  const withClaim = pod('p', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] });
  assert.equal(explainPod(w.fwk, w.cache, withClaim).summary, '0/2 nodes are available: persistentvolumeclaim "data" not found.');
  const pvcs = w.listers.persistentVolumeClaims as unknown as { set(o: unknown): void };
  pvcs.set({ metadata: { name: 'data', namespace: 'default' }, spec: { storageClassName: 'std' } });
  assert.equal(explainPod(w.fwk, w.cache, withClaim).summary, '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.');
  pvcs.set({ metadata: { name: 'data', namespace: 'default' }, spec: { storageClassName: 'std', volumeName: 'pv1' } });
  (w.listers.persistentVolumes as unknown as { set(o: unknown): void }).set({ metadata: { name: 'pv1' }, spec: { nodeAffinity: { required: {
    nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zb'] }] }] } } } });
  const e = explainPod(w.fwk, w.cache, withClaim);
  assert.deepEqual(feasible(e), ['b']);
  assert.equal(e.nodes.find((v) => v.node === 'a')!.rejections[0]!.reasons[0], 'node(s) had volume node affinity conflict');
});

test('percentageOfNodesToScore is adaptive as upstream', () => {
  assert.equal(numFeasibleNodesToFind(0, 50), 50);
  assert.equal(numFeasibleNodesToFind(0, 1000), 420);
  assert.equal(numFeasibleNodesToFind(0, 5000), 500);
  assert.equal(numFeasibleNodesToFind(0, 100_000), 5000);
  assert.equal(numFeasibleNodesToFind(0, 150), 100);
  assert.equal(numFeasibleNodesToFind(30, 1000), 300);
  assert.equal(numFeasibleNodesToFind(100, 1000), 1000);
});

test('configuration: weights, disabled plugins, and clear errors', () => {
  const has = (p: string) => (n: string) => (PLUGIN_POINTS[n] ?? []).includes(p);
  const score = pluginsFor({ plugins: { score: { disabled: [{ name: 'ImageLocality' }], enabled: [{ name: 'NodeAffinity', weight: 7 }] } } }, 'score', has('score'));
  assert.deepEqual(Object.fromEntries(score.map((p) => [p.name, p.weight])), {
    TaintToleration: 3, NodeAffinity: 7, NodeResourcesFit: 1, PodTopologySpread: 2, InterPodAffinity: 2, NodeResourcesBalancedAllocation: 1,
  });
  assert.deepEqual(pluginsFor({ plugins: { multiPoint: { disabled: [{ name: '*' }], enabled: [{ name: 'NodeName' }] } } }, 'filter', has('filter')).map((p) => p.name), ['NodeName']);
  const known = new Set(Object.keys(IN_TREE_PLUGINS));
  assert.throws(() => validateSchedulerConfig({ profiles: [{ plugins: { score: { enabled: [{ name: 'Nope' }] } } }] }, known),
    (e: Error) => e instanceof SchedulerConfigError && /unknown plugin "Nope"/.test(e.message));
  assert.throws(() => validateSchedulerConfig({ profiles: [{ plugins: { score: { enabled: [{ name: 'NodeAffinity', weight: 0 }] } } }] }, known),
    /weight: Invalid value: 0/);
  assert.throws(() => validateSchedulerConfig({ apiVersion: 'kubescheduler.config.k8s.io/v1beta3' }, known), /apiVersion/);
  assert.throws(() => validateSchedulerConfig({ profiles: [{}, {}] }, known), /Duplicate value: "default-scheduler"/);
  assert.equal(validateSchedulerConfig({}, known).profiles[0]!.schedulerName, 'default-scheduler');
});
