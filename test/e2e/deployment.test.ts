/**
 * Deployments as a user drives them with real kubectl against `k8ts server`
 * (deployment and replicaset controllers on) and a stand-in cluster that
 * binds pods and makes them Ready: create, rollout status, set image,
 * rollout history, rollout undo (also --to-revision), scale (proportional
 * in the middle of a rollout), pause/resume, restart, Recreate, and the
 * progress deadline.
 */
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { startFakeCluster, type FakeCluster } from '../harness/fake-cluster.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';
import { RESOURCES, RestClient } from '../../src/client/index.js';

const bin = findKubectl(35);
const skip = bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}`;
let server: RunningServer;
let cluster: FakeCluster;
let client: RestClient;
let k: Kubectl;

before(async () => {
  if (skip) return;
  server = await startServer({ datastore: 'memory', args: ['--disable-scheduler'] });
  cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: 2 });
  client = RestClient.fromKubeconfig(server.kubeconfig);
  k = new Kubectl(bin.path!, server.kubeconfig);
});
after(async () => { client?.close(); await cluster?.stop(); await server?.stop(); });

const getDeployment = (name: string): Promise<Deployment> => client.get<Deployment>(RESOURCES.deployments, name, { namespace: 'default' });
async function replicaSets(name: string): Promise<ReplicaSet[]> {
  const d = await getDeployment(name);
  const all = (await client.list<ReplicaSet>(RESOURCES.replicasets, { namespace: 'default' })).items;
  return all.filter((rs) => rs.metadata?.ownerReferences?.some((r) => r.uid === d.metadata!.uid));
}
async function pods(selector: string): Promise<Pod[]> {
  return (await client.list<Pod>(RESOURCES.pods, { namespace: 'default', labelSelector: selector })).items.filter((p) => !p.metadata?.deletionTimestamp);
}
const images = (ps: Pod[]): string[] => [...new Set(ps.map((p) => p.spec!.containers[0]!.image!))].sort();
/** kubectl without blocking this process's event loop, which runs the stand-in cluster. */
function kubectlAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(bin.path!, ['--kubeconfig', server.kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}
async function rolloutStatus(name: string): Promise<string> {
  const r = await kubectlAsync(['rollout', 'status', `deployment/${name}`, '--timeout=60s']);
  if (r.status !== 0) throw new Error(`rollout status ${name} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

test('create, rollout status, set image, history, undo, undo --to-revision', { skip }, async () => {
  k.ok(['create', 'deployment', 'web', '--image=nginx:1.0', '--replicas=3']);
  assert.match(await rolloutStatus('web'), /deployment "web" successfully rolled out/);
  let d = await getDeployment('web');
  assert.equal(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
  assert.equal(d.status?.availableReplicas, 3);
  assert.equal(d.status?.updatedReplicas, 3);
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  assert.equal(progressing?.reason, 'NewReplicaSetAvailable');
  assert.match(progressing?.message ?? '', /^ReplicaSet "web-[a-z0-9]+" has successfully progressed\.$/);
  assert.equal(d.status?.conditions?.find((c) => c.type === 'Available')?.reason, 'MinimumReplicasAvailable');
  let rss = await replicaSets('web');
  assert.equal(rss.length, 1);
  const hash = rss[0]!.metadata!.labels!['pod-template-hash']!;
  assert.equal(rss[0]!.metadata!.name, `web-${hash}`);
  assert.equal(rss[0]!.spec!.selector.matchLabels!['pod-template-hash'], hash);
  assert.equal((await pods(`app=web,pod-template-hash=${hash}`)).length, 3);

  k.ok(['set', 'image', 'deployment/web', 'nginx=nginx:2.0']);
  // Annotated after the change: it lands on the new ReplicaSet only (annotating first would relabel revision 1, as upstream).
  k.ok(['annotate', 'deployment/web', 'kubernetes.io/change-cause=to 2.0']);
  assert.match(await rolloutStatus('web'), /successfully rolled out/);
  assert.deepEqual(images(await pods('app=web')), ['nginx:2.0']);
  assert.equal((await pods('app=web')).length, 3);
  rss = await replicaSets('web');
  assert.equal(rss.length, 2);
  const newRS = rss.find((rs) => rs.spec!.template!.spec!.containers[0]!.image === 'nginx:2.0')!;
  assert.equal(newRS.metadata!.annotations!['deployment.kubernetes.io/revision'], '2');
  assert.equal(newRS.metadata!.annotations!['kubernetes.io/change-cause'], 'to 2.0');
  assert.equal(rss.find((rs) => rs !== newRS)!.spec!.replicas, 0);
  const events = k.ok(['get', 'events', '--field-selector', 'involvedObject.name=web,reason=ScalingReplicaSet', '-o', 'jsonpath={.items[*].message}']);
  assert.match(events, /Scaled up replica set web-\w+ from 0 to 3/);
  assert.match(events, /Scaled down replica set web-\w+ from \d to \d/);

  k.ok(['set', 'image', 'deployment/web', 'nginx=nginx:3.0']);
  await rolloutStatus('web');
  const history = k.ok(['rollout', 'history', 'deployment/web']);
  assert.match(history, /^1\s+<none>$/m);
  assert.match(history, /^2\s+to 2\.0$/m);
  assert.match(history, /^3\s+to 2\.0$/m, 'change-cause is copied from the deployment');
  assert.match(k.ok(['rollout', 'history', 'deployment/web', '--revision=2']), /nginx:2\.0/);

  k.ok(['rollout', 'undo', 'deployment/web']);
  await rolloutStatus('web');
  await eventually(async () => images(await pods('app=web')).join() === 'nginx:2.0', 20_000, 'pods back on nginx:2.0');
  d = await getDeployment('web');
  assert.equal(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], '4');
  rss = await replicaSets('web');
  assert.equal(rss.length, 3, 'undo reuses the old ReplicaSet');
  const reused = rss.find((rs) => rs.spec!.template!.spec!.containers[0]!.image === 'nginx:2.0')!;
  assert.equal(reused.metadata!.annotations!['deployment.kubernetes.io/revision'], '4');
  assert.equal(reused.metadata!.annotations!['deployment.kubernetes.io/revision-history'], '2');
  const h2 = k.ok(['rollout', 'history', 'deployment/web']);
  assert.doesNotMatch(h2, /^2\s/m);
  assert.match(h2, /^4\s/m);

  k.ok(['rollout', 'undo', 'deployment/web', '--to-revision=1']);
  await rolloutStatus('web');
  await eventually(async () => images(await pods('app=web')).join() === 'nginx:1.0', 20_000, 'pods back on nginx:1.0');
  assert.equal((await getDeployment('web')).metadata?.annotations?.['deployment.kubernetes.io/revision'], '5');
  assert.equal((await pods('app=web')).length, 3);
});

test('revisionHistoryLimit prunes old ReplicaSets', { skip }, async () => {
  k.ok(['create', 'deployment', 'hist', '--image=busybox:1']);
  k.ok(['patch', 'deployment/hist', '-p', '{"spec":{"revisionHistoryLimit":1}}']);
  await rolloutStatus('hist');
  for (const tag of ['2', '3', '4']) {
    k.ok(['set', 'image', 'deployment/hist', `busybox=busybox:${tag}`]);
    await rolloutStatus('hist');
  }
  await eventually(async () => (await replicaSets('hist')).length === 2, 20_000, 'one old ReplicaSet kept');
  const revs = (await replicaSets('hist')).map((rs) => rs.metadata!.annotations!['deployment.kubernetes.io/revision']).sort();
  assert.deepEqual(revs, ['3', '4']);
});

test('scale, and proportional scaling during a paused rollout; pause, resume, restart', { skip }, async () => {
  k.ok(['create', 'deployment', 'prop', '--image=nginx:1', '--replicas=10']);
  await rolloutStatus('prop');
  k.ok(['scale', 'deployment/prop', '--replicas=4']);
  await rolloutStatus('prop');
  assert.equal((await pods('app=prop')).length, 4);
  k.ok(['scale', 'deployment/prop', '--replicas=10']);
  await rolloutStatus('prop');

  k.ok(['rollout', 'pause', 'deployment/prop']);
  await eventually(async () => (await getDeployment('prop')).status?.conditions?.find((c) => c.type === 'Progressing')?.reason === 'DeploymentPaused', 10_000, 'DeploymentPaused');
  k.ok(['set', 'image', 'deployment/prop', 'nginx=nginx:2']);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await replicaSets('prop')).length, 1, 'a paused deployment does not roll out');
  // Start the rollout, then freeze it half way by pausing once both ReplicaSets have replicas. New pods
  // count as available only after minReadySeconds, so the rollout cannot finish before the pause lands.
  k.ok(['patch', 'deployment/prop', '-p', '{"spec":{"minReadySeconds":60}}']);
  k.ok(['rollout', 'resume', 'deployment/prop']);
  await eventually(async () => {
    const rss = await replicaSets('prop');
    return rss.length === 2 && rss.every((rs) => (rs.spec!.replicas ?? 0) > 0);
  }, 20_000, 'rollout under way');
  k.ok(['rollout', 'pause', 'deployment/prop']);
  // Let the in-flight step settle, then scale the paused, half-rolled deployment.
  await eventually(async () => (await getDeployment('prop')).status?.conditions?.find((c) => c.type === 'Progressing')?.reason === 'DeploymentPaused', 10_000, 'paused again');
  await new Promise((r) => setTimeout(r, 300));
  const before = await replicaSets('prop');
  const total = before.reduce((n, rs) => n + rs.spec!.replicas!, 0);
  k.ok(['scale', 'deployment/prop', '--replicas=20']);
  await eventually(async () => {
    const rss = await replicaSets('prop');
    return rss.every((rs) => rs.metadata!.annotations!['deployment.kubernetes.io/desired-replicas'] === '20');
  }, 20_000, 'both ReplicaSets scaled');
  const after = await replicaSets('prop');
  const sum = after.reduce((n, rs) => n + rs.spec!.replicas!, 0);
  assert.equal(sum, 20 + 5, `20 replicas plus maxSurge 25% (5), spread over both ReplicaSets (before: ${total})`);
  for (const rs of after) {
    const was = before.find((b) => b.metadata!.name === rs.metadata!.name)!.spec!.replicas!;
    assert.ok(rs.spec!.replicas! > was, `${rs.metadata!.name} grew proportionally (${was} -> ${rs.spec!.replicas})`);
  }
  k.ok(['patch', 'deployment/prop', '-p', '{"spec":{"minReadySeconds":0}}']);
  k.ok(['rollout', 'resume', 'deployment/prop']);
  assert.match(await rolloutStatus('prop'), /successfully rolled out/);
  assert.deepEqual(images(await pods('app=prop')), ['nginx:2']);
  assert.equal((await pods('app=prop')).length, 20);
  assert.equal((await getDeployment('prop')).status?.conditions?.find((c) => c.type === 'Progressing')?.reason, 'NewReplicaSetAvailable');

  const podsBefore = new Set((await pods('app=prop')).map((p) => p.metadata!.name));
  k.ok(['rollout', 'restart', 'deployment/prop']);
  await rolloutStatus('prop');
  await eventually(async () => {
    const now = await pods('app=prop');
    return now.length === 20 && now.every((p) => !podsBefore.has(p.metadata!.name));
  }, 30_000, 'every pod replaced');
  assert.equal((await replicaSets('prop')).length, 3);
});

test('Recreate: old pods go before new ones come', { skip }, async () => {
  k.ok(['create', 'deployment', 'rec', '--image=nginx:1', '--replicas=3']);
  k.ok(['patch', 'deployment/rec', '--type=json', '-p',
    '[{"op":"remove","path":"/spec/strategy/rollingUpdate"},{"op":"replace","path":"/spec/strategy/type","value":"Recreate"}]']);
  await rolloutStatus('rec');
  const watch = k.start(['get', 'pods', '-l', 'app=rec', '--watch', '--output-watch-events', '-o', 'custom-columns=EVENT:.type,IMAGE:.object.spec.containers[0].image,DEL:.object.metadata.deletionTimestamp', '--no-headers']);
  try {
    await new Promise((r) => setTimeout(r, 500));
    k.ok(['set', 'image', 'deployment/rec', 'nginx=nginx:2']);
    assert.match(await rolloutStatus('rec'), /successfully rolled out/);
    await eventually(() => (watch.output().match(/ADDED\s+nginx:2/g) ?? []).length >= 3, 10_000, 'new pods seen');
  } finally { await watch.stop(); }
  const lines = watch.output().split('\n');
  const firstNew = lines.findIndex((l) => /ADDED\s+nginx:2/.test(l));
  const lastOldDeleted = lines.map((l, i) => (/DELETED\s+nginx:1/.test(l) ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
  assert.ok(lastOldDeleted >= 0 && firstNew > lastOldDeleted, `every old pod deleted before the first new one:\n${watch.output()}`);
  assert.deepEqual(images(await pods('app=rec')), ['nginx:2']);
});

test('progressDeadlineSeconds: rollout status reports the exceeded deadline', { skip }, async () => {
  k.ok(['create', 'deployment', 'stuck', '--image=nginx:1']);
  await rolloutStatus('stuck');
  // Pods for another scheduler are never bound by the stand-in cluster, so they never become ready.
  k.ok(['patch', 'deployment/stuck', '-p', '{"spec":{"progressDeadlineSeconds":2,"template":{"spec":{"schedulerName":"nobody"}}}}']);
  const r = await kubectlAsync(['rollout', 'status', 'deployment/stuck', '--timeout=30s']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /deployment "stuck" exceeded its progress deadline/);
  const cond = (await getDeployment('stuck')).status?.conditions?.find((c) => c.type === 'Progressing');
  assert.equal(cond?.status, 'False');
  assert.equal(cond?.reason, 'ProgressDeadlineExceeded');
  assert.match(cond?.message ?? '', /^ReplicaSet "stuck-\w+" has timed out progressing\.$/);
  assert.equal((await pods('app=stuck')).filter((p) => p.status?.phase === 'Running').length, 1, 'the old pod keeps serving');
});
