/**
 * StatefulSets through real kubectl against `k8ts server` (controllers on)
 * with the fake cluster as scheduler and kubelets: ordinals and claims,
 * scaling up and down (claims kept, then deleted under whenScaled Delete),
 * a rolling update held by a partition, rollout status/history/undo.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { startFakeCluster, type FakeCluster } from '../harness/fake-cluster.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';

const bin = findKubectl(35);
let server: RunningServer;
let cluster: FakeCluster;
let k: Kubectl;

before(async () => {
  server = await startServer({ args: ['--disable-scheduler'] });
  cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: 2 });
  k = new Kubectl(bin.path ?? 'kubectl', server.kubeconfig);
});
after(async () => {
  await cluster?.stop();
  await server?.stop();
});

/** kubectl that waits must not block this process: the fake cluster runs in it. */
async function kubectlAsync(args: string[]): Promise<string> {
  const r = await promisify(execFile)(bin.path!, ['--kubeconfig', server.kubeconfig, ...args], { timeout: 90_000 });
  return r.stdout;
}

const MANIFEST = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: web:1
        volumeMounts:
        - {name: data, mountPath: /data}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`;

function pods(): Pod[] {
  return (JSON.parse(k.ok(['get', 'pods', '-l', 'app=web', '-o', 'json'])) as { items: Pod[] }).items;
}
function claims(): string[] {
  return (JSON.parse(k.ok(['get', 'pvc', '-o', 'json'])) as { items: PersistentVolumeClaim[] }).items
    .filter((c) => !c.metadata!.deletionTimestamp).map((c) => c.metadata!.name!).sort();
}
function running(names: string[], image?: string): boolean {
  const ps = pods().filter((p) => !p.metadata!.deletionTimestamp);
  return ps.map((p) => p.metadata!.name).sort().join() === [...names].sort().join()
    && ps.every((p) => p.status?.phase === 'Running' && (!image || p.spec!.containers[0]!.image === image));
}
const imageOf = (name: string): string => k.ok(['get', 'pod', name, '-o', 'jsonpath={.spec.containers[0].image}']);

test('StatefulSet ordinals, claims, scaling, partitioned rolling update, rollout history and undo',
  { skip: bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}` }, async () => {
    k.ok(['apply', '-f', '-'], { input: MANIFEST });
    await eventually(() => running(['web-0', 'web-1', 'web-2']), 30_000, 'web-0..2 running');
    const web1 = pods().find((p) => p.metadata!.name === 'web-1')!;
    assert.equal(web1.spec!.hostname, 'web-1');
    assert.equal(web1.spec!.subdomain, 'web');
    assert.equal(web1.metadata!.labels!['statefulset.kubernetes.io/pod-name'], 'web-1');
    assert.equal(web1.metadata!.labels!['apps.kubernetes.io/pod-index'], '1');
    assert.equal(web1.spec!.volumes!.find((v) => v.name === 'data')!.persistentVolumeClaim!.claimName, 'data-web-1');
    // OrderedReady: each pod was created only after the one before it ran.
    const created = pods().sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!)).map((p) => p.metadata!.creationTimestamp!);
    assert.ok(created[0]! <= created[1]! && created[1]! <= created[2]!, created.join());
    assert.deepEqual(claims(), ['data-web-0', 'data-web-1', 'data-web-2']);
    assert.match(k.ok(['get', 'pvc', 'data-web-0', '--show-labels']), /app=web/);
    assert.match(await kubectlAsync(['rollout', 'status', 'statefulset/web', '--timeout=60s']), /partitioned roll out complete: 3 new pods have been updated/);
    assert.match(k.ok(['get', 'sts', 'web']), /web\s+3\/3/);

    k.ok(['scale', 'statefulset/web', '--replicas=5']);
    await eventually(() => running(['web-0', 'web-1', 'web-2', 'web-3', 'web-4']), 30_000, 'scaled to 5');
    k.ok(['scale', 'statefulset/web', '--replicas=2']);
    await eventually(() => running(['web-0', 'web-1']), 30_000, 'scaled to 2');
    assert.deepEqual(claims(), ['data-web-0', 'data-web-1', 'data-web-2', 'data-web-3', 'data-web-4'], 'claims are retained on scale-down');
    k.ok(['scale', 'statefulset/web', '--replicas=3']);
    await eventually(() => running(['web-0', 'web-1', 'web-2']), 30_000, 'back to 3');

    // A partition holds back the lower ordinals.
    k.ok(['patch', 'statefulset', 'web', '-p', '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}}']);
    k.ok(['set', 'image', 'statefulset/web', 'web=web:2']);
    assert.match(await kubectlAsync(['rollout', 'status', 'statefulset/web', '--timeout=60s']), /partitioned roll out complete: 1 new pods have been updated/);
    await eventually(() => running(['web-0', 'web-1', 'web-2']) && imageOf('web-2') === 'web:2', 30_000, 'web-2 updated');
    assert.equal(imageOf('web-0'), 'web:1');
    assert.equal(imageOf('web-1'), 'web:1');
    let sts = JSON.parse(k.ok(['get', 'sts', 'web', '-o', 'json'])) as StatefulSet;
    assert.notEqual(sts.status!.currentRevision, sts.status!.updateRevision);
    assert.equal(sts.status!.updatedReplicas, 1);
    assert.equal(sts.status!.currentReplicas, 2);

    k.ok(['patch', 'statefulset', 'web', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}']);
    assert.match(await kubectlAsync(['rollout', 'status', 'statefulset/web', '--timeout=60s']), /partitioned roll out complete: 3 new pods have been updated/);
    await eventually(() => running(['web-0', 'web-1', 'web-2'], 'web:2'), 30_000, 'all at web:2');
    sts = JSON.parse(k.ok(['get', 'sts', 'web', '-o', 'json'])) as StatefulSet;
    assert.equal(sts.status!.currentRevision, sts.status!.updateRevision);
    assert.equal(sts.status!.readyReplicas, 3);
    assert.equal(sts.status!.observedGeneration, sts.metadata!.generation);

    const history = k.ok(['rollout', 'history', 'statefulset/web']);
    assert.match(history, /^1\s/m);
    assert.match(history, /^2\s/m);
    assert.match(k.ok(['rollout', 'history', 'statefulset/web', '--revision=1']), /web:1/);
    assert.match(k.ok(['rollout', 'undo', 'statefulset/web']), /rolled back/);
    assert.match(await kubectlAsync(['rollout', 'status', 'statefulset/web', '--timeout=60s']), /partitioned roll out complete: 3 new pods have been updated/);
    await eventually(() => running(['web-0', 'web-1', 'web-2'], 'web:1'), 30_000, 'all back at web:1');
    const after = k.ok(['rollout', 'history', 'statefulset/web']);
    assert.match(after, /^3\s/m);
    assert.doesNotMatch(after, /^1\s/m);

    // whenScaled: Delete hands a condemned pod's claims to the pod; the garbage collector removes them with it.
    k.ok(['patch', 'statefulset', 'web', '-p', '{"spec":{"persistentVolumeClaimRetentionPolicy":{"whenScaled":"Delete"}}}']);
    k.ok(['scale', 'statefulset/web', '--replicas=1']);
    await eventually(() => running(['web-0']), 30_000, 'scaled to 1');
    await eventually(() => claims().join() === 'data-web-0,data-web-3,data-web-4', 30_000, 'claims of web-1 and web-2 deleted');
  });
