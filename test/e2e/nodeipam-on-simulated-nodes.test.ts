/**
 * Node IPAM end to end, as a user sees it with kubectl 1.35:
 * `k8ts server --simulated-nodes 3 --cluster-cidr 10.66.0.0/23
 * --node-cidr-mask-size 25` (four /25 node CIDRs). The simulated nodes take
 * their podCIDRs from the controller and their pods get IPs from them; a
 * fifth node (from `k8ts sim`) finds the range full, gets CIDRNotAvailable
 * and its pod waits, until a deleted node gives its CIDR back.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { cidrContains, parseIpv4Cidr } from '../../src/sim/cidr.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { REPO_ROOT, findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';

const bin = findKubectl(35);
const skip = bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}`;
let server: RunningServer;
let k: Kubectl;
let edge: ChildProcess | undefined;

interface PodItem { metadata: { name: string }; spec: { nodeName?: string }; status?: { phase?: string; podIP?: string } }

/** node name -> spec.podCIDR ('' when none). */
function podCIDRs(): Record<string, string> {
  const out = k.ok(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.podCIDR}{"\\n"}{end}']);
  return Object.fromEntries(out.trim().split('\n').map((l) => l.split('=') as [string, string]));
}

before(async () => {
  if (skip) return;
  server = await startServer({ args: ['--simulated-nodes', '3', '--cluster-cidr', '10.66.0.0/23', '--node-cidr-mask-size', '25'] });
  k = new Kubectl(bin.path!, server.kubeconfig);
});
after(async () => {
  if (edge && edge.exitCode === null) {
    const exited = new Promise((r) => edge!.once('exit', r));
    edge.kill('SIGTERM');
    await exited;
  }
  await server?.stop();
});

test('simulated nodes get /25s of --cluster-cidr from the controller, and their pods IPs from those', { skip, timeout: 120_000 }, async () => {
  const cidrs = await eventually(() => {
    const c = podCIDRs();
    return Object.keys(c).length === 3 && Object.values(c).every(Boolean) ? c : undefined;
  }, 30_000, 'three nodes with podCIDRs') as Record<string, string>;
  assert.deepEqual(Object.values(cidrs).sort(), ['10.66.0.0/25', '10.66.0.128/25', '10.66.1.0/25'], 'the first three node CIDRs, one each');
  k.ok(['create', 'deployment', 'web', '--image=app:1', '--replicas=6']);
  k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  const pods = (JSON.parse(k.ok(['get', 'pods', '-l', 'app=web', '-o', 'json'])) as { items: PodItem[] }).items;
  assert.equal(pods.length, 6);
  for (const p of pods) {
    const cidr = cidrs[p.spec.nodeName!]!;
    assert.equal(p.status?.phase, 'Running');
    assert.ok(cidrContains(parseIpv4Cidr(cidr), p.status!.podIP!), `${p.metadata.name} on ${p.spec.nodeName}: ${p.status?.podIP} in ${cidr}`);
  }
  k.ok(['delete', 'deployment', 'web']);
});

test('a node past the end of the range gets CIDRNotAvailable and its pod waits; a deleted node\'s CIDR goes to it', { skip, timeout: 120_000 }, async () => {
  edge = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'k8ts.js'), 'sim', '--kubeconfig', server.kubeconfig, '--nodes', '2', '--name-prefix', 'edge-'],
    { stdio: ['ignore', 'ignore', 'ignore'] });
  const cidrs = await eventually(() => {
    const c = podCIDRs();
    return c['edge-0'] !== undefined && c['edge-1'] !== undefined && (c['edge-0'] || c['edge-1']) ? c : undefined;
  }, 30_000, 'the edge nodes registered, one with a podCIDR') as Record<string, string>;
  const [lucky, waiting] = cidrs['edge-0'] ? ['edge-0', 'edge-1'] : ['edge-1', 'edge-0'];
  assert.equal(cidrs[lucky], '10.66.1.128/25', 'the last free node CIDR');
  const event = await eventually(() => {
    const out = k.ok(['get', 'events', '--field-selector', `reason=CIDRNotAvailable,involvedObject.name=${waiting}`, '-o', 'jsonpath={range .items[*]}{.type}|{.source.component}|{.message}{"\\n"}{end}']);
    return out.trim() || undefined;
  }, 30_000, `CIDRNotAvailable on ${waiting}`) as string;
  assert.equal(event.split('\n')[0], `Warning|cidrAllocator|Node ${waiting} status is now: CIDRNotAvailable`);

  k.ok(['run', 'late', '--image=app:1', `--overrides={"spec":{"nodeName":"${waiting}"}}`]);
  await new Promise((r) => setTimeout(r, 2000));
  const before = JSON.parse(k.ok(['get', 'pod', 'late', '-o', 'json'])) as PodItem;
  assert.notEqual(before.status?.phase, 'Running', 'no podCIDR on its node yet');
  assert.equal(before.status?.podIP, undefined);

  const gone = Object.keys(cidrs).find((n) => n.startsWith('sim-node-'))!;
  const freed = cidrs[gone]!;
  k.ok(['delete', 'node', gone]);
  await eventually(() => podCIDRs()[waiting] === freed, 30_000, `${waiting} gets ${freed}, freed by ${gone}`);
  const late = await eventually(() => {
    const p = JSON.parse(k.ok(['get', 'pod', 'late', '-o', 'json'])) as PodItem;
    return p.status?.phase === 'Running' ? p : undefined;
  }, 30_000, 'the waiting pod Running') as PodItem;
  assert.ok(cidrContains(parseIpv4Cidr(freed), late.status!.podIP!), `${late.status?.podIP} in ${freed}`);
});
