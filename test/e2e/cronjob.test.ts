/**
 * CronJobs under a running `k8ts server` with real kubectl: a `* * * * *`
 * CronJob fires at the next minute (so this file waits up to a minute),
 * its Job completes and shows as LAST SCHEDULE / lastSuccessfulTime, and
 * `kubectl create job --from=cronjob/x` makes a Job from its template.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../harness/server.js';
import { startFakeCluster, type FakeCluster } from '../harness/fake-cluster.js';
import { findKubectl } from '../harness/clients.js';
import { kubectlAsync } from './kubectl-async.js';
import { Kubectl, eventually } from '../harness/kubectl.js';

const bin = findKubectl(35);
const skip = bin.path ? false : `kubectl 1.35 unavailable: ${bin.reason}`;
let server: RunningServer;
let cluster: FakeCluster;
let k: Kubectl;

before(async () => {
  if (skip) return;
  server = await startServer({ datastore: 'memory', args: ['--disable-scheduler'] });
  cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: 1, finishAfterMs: 300 });
  k = new Kubectl(bin.path!, server.kubeconfig);
});
after(async () => { await cluster?.stop(); await server?.stop(); });

interface JobList { items: { metadata: { name: string; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] }; status?: { succeeded?: number } }[] }

test('kubectl create job --from=cronjob/x', { skip }, async () => {
  k.ok(['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 3 * * *', '--', 'true']);
  k.ok(['create', 'job', 'manual-run', '--from=cronjob/nightly']);
  const w = await kubectlAsync(bin.path!, server.kubeconfig, ['wait', '--for=condition=complete', 'job/manual-run', '--timeout=30s']);
  assert.equal(w.status, 0, w.stderr);
  const j = JSON.parse(k.ok(['get', 'job', 'manual-run', '-o', 'json'])) as JobList['items'][number];
  assert.equal(j.metadata.annotations?.['cronjob.kubernetes.io/instantiate'], 'manual');
  assert.equal(j.metadata.ownerReferences?.[0]?.kind, 'CronJob');
  assert.equal(j.metadata.ownerReferences?.[0]?.name, 'nightly');
  assert.equal(j.status?.succeeded, 1);
});

test('a * * * * * CronJob fires within a minute and records it', { skip, timeout: 120_000 }, async () => {
  k.ok(['apply', '-f', '-'], { input: `
apiVersion: batch/v1
kind: CronJob
metadata: {name: every-minute}
spec:
  schedule: "* * * * *"
  successfulJobsHistoryLimit: 1
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: main, image: busybox}]
` });
  const jobs = await eventually(() => {
    const l = JSON.parse(k.ok(['get', 'jobs', '-o', 'json'])) as JobList;
    const mine = l.items.filter((j) => j.metadata.ownerReferences?.some((r) => r.name === 'every-minute'));
    return mine.length > 0 ? mine : undefined;
  }, 75_000, 'a job from the CronJob') as JobList['items'];
  const name = jobs[0]!.metadata.name;
  assert.match(name, /^every-minute-\d+$/);
  const scheduled = jobs[0]!.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'];
  assert.ok(scheduled && Number(name.split('-').pop()) * 60_000 === Date.parse(scheduled), `${name} vs ${scheduled}`);
  const w = await kubectlAsync(bin.path!, server.kubeconfig, ['wait', '--for=condition=complete', `job/${name}`, '--timeout=30s']);
  assert.equal(w.status, 0, w.stderr);
  await eventually(() => k.ok(['get', 'cronjob', 'every-minute', '-o', 'jsonpath={.status.lastSuccessfulTime}']) !== '', 10_000, 'lastSuccessfulTime');
  const get = k.ok(['get', 'cronjob', 'every-minute']);
  assert.match(get, /every-minute\s+\* \* \* \* \*\s+(<none>\s+)?False\s+0\s+\d+s/);
  const d = k.ok(['describe', 'cronjob', 'every-minute']);
  assert.match(d, /SuccessfulCreate\s+.*Created job every-minute-\d+/);
  assert.match(d, /SawCompletedJob\s+.*Saw completed job: every-minute-\d+, condition: Complete/);
});
