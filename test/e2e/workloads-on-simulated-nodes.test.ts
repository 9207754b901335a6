/**
 * The controller manager as a user meets it: one `k8ts server
 * --simulated-nodes 3` (one node tainted), driven by real kubectl through
 * every workload controller: Deployments (rollout status, set image,
 * history, undo, scale, pause, resume, restart), a DaemonSet on every
 * untainted node, a StatefulSet's ordinals and claims, a Job that completes
 * and one that fails after its backoffLimit, a CronJob firing within a
 * minute, `expose` with Endpoints and EndpointSlices holding the pod IPs,
 * delete with each cascade mode, and a namespace deletion that empties it.
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
let cronCreatedAt = 0;

interface Item { metadata: { name: string; deletionTimestamp?: string; ownerReferences?: { kind: string }[] }; spec?: { nodeName?: string }; status?: { phase?: string; podIP?: string } }
const items = (args: string[]): Item[] => (JSON.parse(k.ok([...args, '-o', 'json'])) as { items: Item[] }).items;
const livePods = (selector: string): Item[] => items(['get', 'pods', '-l', selector]).filter((p) => !p.metadata.deletionTimestamp);
const images = (deploy: string): string => k.ok(['get', 'deployment', deploy, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);

before(async () => {
  if (skip) return;
  server = await startServer({ args: ['--simulated-nodes', '3'] });
  k = new Kubectl(bin.path!, server.kubeconfig);
  await eventually(() => (k.ok(['get', 'nodes', '--no-headers']).match(/\sReady\s/g) ?? []).length === 3, 30_000, '3 Ready nodes');
  k.ok(['taint', 'node', 'sim-node-2', 'dedicated=infra:NoSchedule']);
  // Created first: it fires at the next minute boundary while the rest runs.
  k.ok(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=* * * * *', '--', 'true']);
  cronCreatedAt = Date.now();
});
after(async () => { await server?.stop(); });

test('Deployment: rollout status, set image, history, undo, scale, pause/resume, restart', { skip, timeout: 180_000 }, () => {
  k.ok(['create', 'deployment', 'web', '--image=web:1', '--replicas=3']);
  k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  assert.equal(livePods('app=web').filter((p) => p.status?.phase === 'Running').length, 3);
  k.ok(['set', 'image', 'deployment/web', 'web=web:2']);
  k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  assert.match(k.ok(['rollout', 'history', 'deployment/web']), /^1\s.*\n2\s/m);
  k.ok(['rollout', 'undo', 'deployment/web']);
  k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  assert.equal(images('web'), 'web:1');
  k.ok(['scale', 'deployment/web', '--replicas=5']);
  k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  assert.equal(livePods('app=web').length, 5);
  k.ok(['rollout', 'pause', 'deployment/web']);
  k.ok(['set', 'image', 'deployment/web', 'web=web:3']);
  assert.ok(livePods('app=web').every((p) => !JSON.stringify(p).includes('web:3')), 'paused: no new pods');
  k.ok(['rollout', 'resume', 'deployment/web']);
  k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  k.ok(['rollout', 'restart', 'deployment/web']);
  k.ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  const pods = livePods('app=web');
  assert.equal(pods.length, 5);
  assert.ok(pods.every((p) => JSON.stringify(p).includes('web:3')));
});

test('DaemonSet on every untainted node; StatefulSet ordinals and claims', { skip, timeout: 120_000 }, () => {
  // No provisioner: the claims bind to volumes made beforehand (the scheduler waits for bound claims).
  const pv = (i: number): string => `apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-${i}}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /tmp/pv-${i}}
`;
  k.ok(['apply', '-f', '-'], { input: [0, 1, 2].map(pv).join('---\n') });
  k.ok(['apply', '-f', '-'], { input: `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: agent:1}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: db
        image: db:1
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
` });
  k.ok(['rollout', 'status', 'daemonset/agent', '--timeout=60s']);
  assert.deepEqual(livePods('app=agent').map((p) => p.spec!.nodeName).sort(), ['sim-node-0', 'sim-node-1']);
  k.ok(['rollout', 'status', 'statefulset/db', '--timeout=60s']);
  assert.deepEqual(livePods('app=db').map((p) => p.metadata.name).sort(), ['db-0', 'db-1', 'db-2']);
  assert.deepEqual(items(['get', 'pvc']).map((c) => c.metadata.name).sort(), ['data-db-0', 'data-db-1', 'data-db-2']);
  assert.equal(k.ok(['get', 'pvc', '-o', 'jsonpath={.items[*].status.phase}']).trim(), 'Bound Bound Bound');
});

test('a Job that completes and one that fails after its backoffLimit', { skip, timeout: 120_000 }, () => {
  k.ok(['create', 'job', 'ok', '--image=busybox', '--', 'true']);
  k.ok(['apply', '-f', '-'], { input: `apiVersion: batch/v1
kind: Job
metadata: {name: bad}
spec:
  backoffLimit: 1
  template:
    metadata: {annotations: {sim.k8ts.io/fail: "true"}}
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox}]
` });
  k.ok(['wait', '--for=condition=complete', 'job/ok', '--timeout=60s']);
  k.ok(['wait', '--for=condition=failed', 'job/bad', '--timeout=90s']);
  assert.match(k.ok(['get', 'job', 'bad', '-o', 'jsonpath={.status.conditions[?(@.type=="Failed")].reason}']), /BackoffLimitExceeded/);
  assert.equal(k.ok(['get', 'job', 'bad', '-o', 'jsonpath={.status.failed}']).trim(), '2');
});

test('expose: Endpoints and EndpointSlices hold the pod IPs', { skip, timeout: 60_000 }, async () => {
  k.ok(['expose', 'deployment', 'web', '--port=80', '--target-port=8080']);
  const ips = livePods('app=web').map((p) => p.status!.podIP!).sort();
  await eventually(() => {
    const ep = k.ok(['get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}']).split(' ').filter(Boolean).sort();
    return JSON.stringify(ep) === JSON.stringify(ips);
  }, 30_000, 'Endpoints with the pod IPs');
  await eventually(() => {
    const sl = k.ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={.items[*].endpoints[*].addresses[*]}'])
      .split(' ').filter(Boolean).sort();
    return JSON.stringify(sl) === JSON.stringify(ips);
  }, 30_000, 'EndpointSlices with the pod IPs');
});

test('delete with each cascade mode; a namespace deletion empties the namespace', { skip, timeout: 120_000 }, async () => {
  for (const mode of ['background', 'foreground', 'orphan']) {
    k.ok(['create', 'deployment', `c-${mode}`, '--image=x:1', '--replicas=2']);
    k.ok(['rollout', 'status', `deployment/c-${mode}`, '--timeout=60s']);
    k.ok(['delete', 'deployment', `c-${mode}`, `--cascade=${mode}`]);
  }
  await eventually(() => livePods('app=c-background').length === 0 && livePods('app=c-foreground').length === 0, 60_000, 'cascaded pods gone');
  const orphans = livePods('app=c-orphan');
  assert.equal(orphans.length, 2, 'orphaned pods stay');
  const rs = items(['get', 'rs', '-l', 'app=c-orphan']);
  assert.equal(rs.length, 1);
  assert.equal(rs[0]!.metadata.ownerReferences?.length ?? 0, 0, 'the orphaned ReplicaSet has no owner');

  k.ok(['create', 'namespace', 'doomed']);
  k.ok(['-n', 'doomed', 'create', 'deployment', 'w', '--image=x:1', '--replicas=2']);
  k.ok(['-n', 'doomed', 'create', 'configmap', 'c', '--from-literal=a=b']);
  k.ok(['-n', 'doomed', 'rollout', 'status', 'deployment/w', '--timeout=60s']);
  k.ok(['delete', 'namespace', 'doomed', '--wait=false']);
  await eventually(() => k.run(['get', 'namespace', 'doomed']).status !== 0, 90_000, 'namespace gone');
  assert.equal(items(['get', 'pods', '-n', 'doomed']).length, 0);
});

test('the CronJob fired within a minute', { skip, timeout: 120_000 }, async () => {
  const jobs = await eventually(() => {
    const js = items(['get', 'jobs']).filter((j) => j.metadata.ownerReferences?.some((o) => o.kind === 'CronJob'));
    return js.length > 0 ? js : undefined;
  }, Math.max(1000, cronCreatedAt + 75_000 - Date.now()), 'a Job from the CronJob');
  assert.match(jobs![0]!.metadata.name, /^tick-\d+$/);
  assert.notEqual(k.ok(['get', 'cronjob', 'tick', '-o', 'jsonpath={.status.lastScheduleTime}']).trim(), '');
});
