/** Pure parts of the simulator: CIDR parsing, node IPs, pod IP allocation, stage loading and selectors, the limiter. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCidr, nthHost, parseIpv4Cidr } from '../../src/sim/cidr.js';
import { NoPodCidrError, PodIpAllocator } from '../../src/sim/pod-ip-allocator.js';
import { Limiter } from '../../src/sim/limiter.js';
import { parseStages, selectorMatches } from '../../src/sim/index.js';
import { stageDelayMs } from '../../src/sim/stages/index.js';

test('IPv4 CIDRs parse strictly; node IPs are numbered from the node range', () => {
  assert.equal(formatCidr(parseIpv4Cidr('10.128.0.0/9')), '10.128.0.0/9');
  assert.throws(() => parseIpv4Cidr('10.0.0.1/24'), /host bits/);
  assert.throws(() => parseIpv4Cidr('10.0.0.0/33'), /invalid IPv4 CIDR/);
  assert.equal(nthHost(parseIpv4Cidr('172.16.0.0/12'), 0), '172.16.0.1');
  assert.equal(nthHost(parseIpv4Cidr('172.16.0.0/12'), 300), '172.16.1.45');
});

test('pod IPs: unique per node, stable per pod, reusable after release, reserved after a restart', () => {
  const a = new PodIpAllocator();
  a.setNodeCidr('n0', '10.128.0.0/24');
  a.setNodeCidr('n1', '10.128.1.0/24');
  const ip1 = a.allocate('n0', 'ns/p1', 'u1');
  assert.equal(ip1, '10.128.0.2', 'the network address and the gateway .1 are skipped');
  assert.equal(a.allocate('n0', 'ns/p1', 'u1'), ip1, 'the same pod keeps its IP');
  assert.equal(a.allocate('n1', 'ns/q', 'u9'), '10.128.1.2');
  assert.ok(a.reserve('n0', 'ns/p9', 'u9', '10.128.0.3'));
  assert.equal(a.reserve('n0', 'ns/other', 'u8', '10.128.0.3'), false, 'an IP in use is not reserved twice');
  assert.equal(a.reserve('n0', 'ns/x', 'u7', '10.9.9.9'), false, 'outside the podCIDR');
  assert.equal(a.allocate('n0', 'ns/p2', 'u2'), '10.128.0.4');
  const seen = new Set<string>([ip1, '10.128.0.3', '10.128.0.4']);
  for (let i = 0; i < 250; i++) seen.add(a.allocate('n0', `ns/f${i}`, `f${i}`));
  assert.equal(seen.size, 253, 'all of .2-.254 handed out once');
  assert.throws(() => a.allocate('n0', 'ns/full', 'uf'), /no free pod IP/);
  a.release('ns/p1');
  assert.equal(a.allocate('n0', 'ns/full', 'uf'), ip1);
  assert.equal(a.allocate('n0', 'ns/p2', 'u2-recreated'), '10.128.0.4', 'a recreated pod (new uid) gives up its old IP first');
  assert.equal(a.usedOn('n0'), 253);
  assert.throws(() => a.allocate('nope', 'ns/z', 'z'), (e: unknown) => e instanceof NoPodCidrError && /node nope has no podCIDR/.test(e.message));
  assert.equal(a.hasNodeCidr('nope'), false);
  assert.equal(a.setNodeCidr('n1', '10.128.1.0/24'), false, 'the same CIDR again is no change');
});

test('the limiter never runs more than its limit at once', async () => {
  const l = new Limiter(3);
  let active = 0;
  let peak = 0;
  await Promise.all(Array.from({ length: 20 }, (_, i) => l.run(async () => {
    active++; peak = Math.max(peak, active);
    await new Promise((r) => setTimeout(r, i % 3));
    active--;
  })));
  assert.equal(peak, 3);
  assert.equal(l.pending, 0);
  await assert.rejects(l.run(async () => { throw new Error('boom'); }), /boom/);
  assert.equal(l.pending, 0, 'a failed task frees its slot');
});

test('stage files: lists, {stages}, kwok-style documents; errors name the stage and field', () => {
  const yaml = `
kind: Stage
metadata: { name: a }
spec:
  selector: { matchExpressions: [{ key: .status.phase, operator: In, values: [Pending] }] }
  next: { status: { phase: Running } }
---
name: b
next: { delete: true }
`;
  assert.deepEqual(parseStages(yaml).map((s) => s.name), ['a', 'b']);
  assert.deepEqual(parseStages('{"stages":[{"name":"x","next":{"delete":true}}]}').map((s) => s.name), ['x']);
  assert.throws(() => parseStages('- name: x\n  next: {}\n'), /stage 0 \(x\): next needs delete/);
  assert.throws(() => parseStages('- name: x\n  next: { delete: true, status: {} }\n'), /next.delete excludes next.status/);
  assert.throws(() => parseStages('- name: x\n  selector: { matchExpressions: [{ key: status, operator: In, values: [a] }] }\n  next: { delete: true }\n'), /must start with "\."/);
  assert.throws(() => parseStages('- name: x\n  selector: { matchExpressions: [{ key: .a, operator: In }] }\n  next: { delete: true }\n'), /values is required for In/);
  assert.throws(() => parseStages('- name: x\n  next: { status: { podIP: "{{ podIp }}" } }\n'), /unknown variable \{\{ podIp \}\}/);
  assert.throws(() => parseStages('- name: x\n  next: { delete: true }\n- name: x\n  next: { delete: true }\n'), /duplicate stage name "x"/);
  assert.throws(() => parseStages(''), /no stages/);
});

test('selectors: paths with quoted keys and list filters; NotIn and DoesNotExist match absent fields', () => {
  const pod = {
    metadata: { labels: { app: 'web' }, annotations: { 'sim.k8ts.io/fail': 'true' } },
    spec: { hostNetwork: true },
    status: { conditions: [{ type: 'Ready', status: 'False' }] },
  };
  const m = (key: string, operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist', values?: string[]) =>
    selectorMatches(pod, { matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });
  assert.equal(m('.metadata.annotations["sim.k8ts.io/fail"]', 'In', ['true']), true);
  assert.equal(m('.status.conditions[type=Ready].status', 'In', ['False']), true);
  assert.equal(m('.status.conditions[type=Initialized].status', 'DoesNotExist'), true);
  assert.equal(m('.status.phase', 'NotIn', ['Running']), true);
  assert.equal(m('.status.phase', 'In', ['Running']), false);
  assert.equal(m('.spec.hostNetwork', 'In', ['true']), true);
  assert.equal(m('.metadata.deletionTimestamp', 'Exists'), false);
  assert.equal(selectorMatches(pod, { matchLabels: { app: 'web' }, matchAnnotations: { 'sim.k8ts.io/fail': 'true' } }), true);
  assert.equal(selectorMatches(pod, { matchLabels: { app: 'db' } }), false);
});

test('stage delay is drawn from [duration, jitter]', () => {
  const s = { name: 's', next: { delete: true }, delay: { durationMilliseconds: 100, jitterDurationMilliseconds: 300 } };
  assert.equal(stageDelayMs(s, () => 0), 100);
  assert.equal(stageDelayMs(s, () => 0.5), 200);
  assert.equal(stageDelayMs({ ...s, delay: { durationMilliseconds: 50 } }, () => 0.9), 50);
  assert.equal(stageDelayMs({ name: 'z', next: { delete: true } }), 0);
});
