/**
 * The Job controller in the test process against a bare API server, with the
 * fake cluster running and finishing pods: completions and parallelism,
 * backoffLimit, podFailurePolicy, activeDeadlineSeconds, Indexed jobs,
 * suspend and resume, and finalizers released when a Job goes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Event, Pod } from 'kubernetes-types/core/v1.js';
import { createLogger } from '../../src/api/log.js';
import { EventRecorder, InformerFactory, RESOURCES, RestClient } from '../../src/client/index.js';
import { startJobController, JOB_TRACKING_FINALIZER } from '../../src/controllers/job/index.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { startFakeCluster, type FakeCluster } from '../harness/fake-cluster.js';
import { eventually } from '../harness/kubectl.js';

let server: RunningServer;
let client: RestClient;
let informers: InformerFactory;
let controller: { stop(): Promise<void> };
let cluster: FakeCluster;
const ns = 'default';

before(async () => {
  server = await startServer({ args: ['--disable-controllers'], datastore: 'memory' });
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'job-controller-test' });
  informers = new InformerFactory(RestClient.fromKubeconfig(server.kubeconfig, { maxSockets: 64 }));
  const logger = createLogger('job-controller', { level: process.env['JOB_TEST_LOG'] ?? 'warn' });
  controller = startJobController({
    client, informers, logger, recorder: new EventRecorder({ client, component: 'job-controller' }), podFailureBackoffMs: 100,
  });
  informers.start();
  cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: 2, finishAfterMs: 200 });
});
after(async () => {
  await cluster?.stop();
  await controller?.stop();
  await informers?.stop();
  client?.close();
  await server?.stop();
});

function jobSpec(name: string, spec: Record<string, unknown>, annotations?: Record<string, string>): Job {
  return {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: ns },
    spec: {
      ...spec,
      template: {
        ...(annotations ? { metadata: { annotations } } : {}),
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] },
      },
    },
  } as Job;
}

const getJob = (name: string): Promise<Job> => client.get<Job>(RESOURCES.jobs, name, { namespace: ns });
const cond = (j: Job, type: string): { status?: string; reason?: string; message?: string } | undefined =>
  j.status?.conditions?.find((c) => c.type === type);
async function podsOf(job: Job): Promise<Pod[]> {
  const list = await client.list<Pod>(RESOURCES.pods, { namespace: ns, labelSelector: `batch.kubernetes.io/controller-uid=${job.metadata!.uid}` });
  return list.items;
}
async function reasons(job: Job): Promise<string[]> {
  const list = await client.list<Event>(RESOURCES.events, { namespace: ns });
  return list.items.filter((e) => e.involvedObject.uid === job.metadata!.uid).map((e) => e.reason!);
}
async function waitFor(name: string, type: string, ms = 20_000): Promise<Job> {
  return eventually<Job | undefined>(async () => {
    const j = await getJob(name);
    return cond(j, type)?.status === 'True' ? j : undefined;
  }, ms, `job ${name} ${type}`) as Promise<Job>;
}

test('a Job runs completions pods, parallelism at a time, and completes', async () => {
  const created = await client.create<Job>(RESOURCES.jobs, jobSpec('ok', { completions: 3, parallelism: 2 }), { namespace: ns });
  let maxActive = 0;
  const done = await eventually(async () => {
    const j = await getJob('ok');
    maxActive = Math.max(maxActive, j.status?.active ?? 0);
    return cond(j, 'Complete')?.status === 'True' ? j : undefined;
  }, 20_000, 'job ok complete') as Job;
  assert.equal(done.status!.succeeded, 3);
  assert.equal(done.status!.failed ?? 0, 0);
  assert.equal(done.status!.active ?? 0, 0);
  assert.ok(maxActive <= 2, `never more than parallelism active (saw ${maxActive})`);
  assert.deepEqual(cond(done, 'SuccessCriteriaMet'), { ...cond(done, 'SuccessCriteriaMet'), status: 'True', reason: 'CompletionsReached' });
  assert.equal(cond(done, 'Complete')!.reason, 'CompletionsReached');
  assert.equal(cond(done, 'Complete')!.message, 'Reached expected number of succeeded pods');
  assert.ok(done.status!.completionTime && done.status!.startTime);
  assert.deepEqual(done.status!.uncountedTerminatedPods ?? {}, { ...(done.status!.uncountedTerminatedPods ?? {}), succeeded: [], failed: [] });
  const pods = await podsOf(created);
  assert.equal(pods.filter((p) => p.status?.phase === 'Succeeded').length, 3);
  for (const p of pods) {
    assert.ok(!p.metadata!.finalizers?.includes(JOB_TRACKING_FINALIZER), `finalizer removed from ${p.metadata!.name}`);
    const ref = p.metadata!.ownerReferences?.[0];
    assert.equal(ref?.kind, 'Job');
    assert.equal(ref?.controller, true);
    assert.equal(p.metadata!.labels!['batch.kubernetes.io/job-name'], 'ok');
  }
  const r = await eventually(async () => { const x = await reasons(created); return x.includes('Completed') ? x : undefined; }, 5000, 'Completed event') as string[];
  assert.equal(r.filter((x) => x === 'SuccessfulCreate').length, 3);
});

test('a Job whose pods fail fails after backoffLimit with BackoffLimitExceeded', async () => {
  const created = await client.create<Job>(RESOURCES.jobs, jobSpec('bad', { backoffLimit: 2 }, { 'sim.k8ts.io/fail': 'true' }), { namespace: ns });
  const failed = await waitFor('bad', 'Failed');
  assert.equal(failed.status!.failed, 3);
  assert.equal(failed.status!.succeeded ?? 0, 0);
  assert.equal(cond(failed, 'Failed')!.reason, 'BackoffLimitExceeded');
  assert.equal(cond(failed, 'Failed')!.message, 'Job has reached the specified backoff limit');
  assert.equal(cond(failed, 'FailureTarget')!.reason, 'BackoffLimitExceeded');
  assert.equal(cond(failed, 'Complete'), undefined);
  assert.equal(failed.status!.completionTime, undefined);
  const pods = await podsOf(created);
  assert.equal(pods.length, 3);
  assert.ok(pods.every((p) => !p.metadata!.finalizers?.includes(JOB_TRACKING_FINALIZER)));
  await eventually(async () => (await reasons(created)).includes('BackoffLimitExceeded'), 5000, 'BackoffLimitExceeded event');
});

test('a FailJob podFailurePolicy rule fails the Job at the first matching failure', async () => {
  await client.create<Job>(RESOURCES.jobs, jobSpec('pfp', {
    backoffLimit: 6, podReplacementPolicy: 'Failed',
    podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [1] } }] },
  }, { 'sim.k8ts.io/fail': 'true' }), { namespace: ns });
  const failed = await waitFor('pfp', 'Failed');
  assert.equal(cond(failed, 'Failed')!.reason, 'PodFailurePolicy');
  assert.match(cond(failed, 'Failed')!.message!, /^Container main for pod default\/pfp-\w+ failed with exit code 1 matching FailJob rule at index 0$/);
  assert.equal(failed.status!.failed, 1);
});

test('an Ignore podFailurePolicy rule does not count failures against backoffLimit', async () => {
  const created = await client.create<Job>(RESOURCES.jobs, jobSpec('ignored', {
    backoffLimit: 0, activeDeadlineSeconds: 3, podReplacementPolicy: 'Failed',
    podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [1] } }] },
  }, { 'sim.k8ts.io/fail': 'true' }), { namespace: ns });
  const failed = await waitFor('ignored', 'Failed', 15_000);
  assert.equal(cond(failed, 'Failed')!.reason, 'DeadlineExceeded', 'pods kept being replaced until the deadline');
  assert.equal(cond(failed, 'Failed')!.message, 'Job was active longer than specified deadline');
  assert.ok((failed.status!.failed ?? 0) <= 1, 'at most the pod deleted at the deadline counts');
  const pods = await podsOf(created);
  assert.ok(pods.filter((p) => p.status?.phase === 'Failed').length >= 2, `failed pods were replaced (${pods.length} pods)`);
});

test('activeDeadlineSeconds fails a Job that runs too long and deletes its pods', async () => {
  const job = jobSpec('slow', { activeDeadlineSeconds: 1 });
  job.spec!.template.spec!.restartPolicy = 'OnFailure';
  job.spec!.template.spec!.schedulerName = 'nobody';
  const created = await client.create<Job>(RESOURCES.jobs, job, { namespace: ns });
  const failed = await waitFor('slow', 'Failed');
  assert.equal(cond(failed, 'Failed')!.reason, 'DeadlineExceeded');
  assert.equal(failed.status!.active ?? 0, 0);
  assert.equal(failed.status!.failed, 1);
  await eventually(async () => (await podsOf(created)).length === 0, 5000, 'pod deleted');
});

test('Indexed Jobs run one pod per index and report completedIndexes', async () => {
  const created = await client.create<Job>(RESOURCES.jobs, jobSpec('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }), { namespace: ns });
  const done = await waitFor('idx', 'Complete');
  assert.equal(done.status!.completedIndexes, '0-2');
  assert.equal(done.status!.succeeded, 3);
  const pods = await podsOf(created);
  const byIndex = pods.map((p) => p.metadata!.annotations!['batch.kubernetes.io/job-completion-index']).sort();
  assert.deepEqual(byIndex, ['0', '1', '2']);
  for (const p of pods) {
    const ix = p.metadata!.annotations!['batch.kubernetes.io/job-completion-index'];
    assert.equal(p.metadata!.labels!['batch.kubernetes.io/job-completion-index'], ix);
    assert.equal(p.spec!.hostname, `idx-${ix}`);
    assert.ok(p.metadata!.name!.startsWith(`idx-${ix}-`));
    const env = p.spec!.containers[0]!.env!.find((e) => e.name === 'JOB_COMPLETION_INDEX');
    assert.equal(env?.valueFrom?.fieldRef?.fieldPath, "metadata.annotations['batch.kubernetes.io/job-completion-index']");
  }
});

test('a suspended Job runs no pods until resumed', async () => {
  const created = await client.create<Job>(RESOURCES.jobs, jobSpec('susp', { suspend: true }), { namespace: ns });
  const suspended = await waitFor('susp', 'Suspended');
  assert.equal(cond(suspended, 'Suspended')!.reason, 'JobSuspended');
  assert.equal(suspended.status!.startTime, undefined);
  assert.equal((await podsOf(created)).length, 0);
  await client.patch(RESOURCES.jobs, 'susp', { spec: { suspend: false } }, { namespace: ns, type: 'merge' });
  const done = await waitFor('susp', 'Complete');
  assert.equal(cond(done, 'Suspended')!.status, 'False');
  assert.equal(cond(done, 'Suspended')!.reason, 'JobResumed');
  const r = await reasons(created);
  assert.ok(r.includes('Suspended') && r.includes('Resumed'), r.join(','));
});

test('suspending a running Job deletes its pods without counting them as failed', async () => {
  const job = jobSpec('pause', { parallelism: 2, completions: 2 });
  job.spec!.template.spec!.schedulerName = 'nobody';
  const created = await client.create<Job>(RESOURCES.jobs, job, { namespace: ns });
  await eventually(async () => (await getJob('pause')).status?.active === 2, 10_000, 'two active');
  await client.patch(RESOURCES.jobs, 'pause', { spec: { suspend: true } }, { namespace: ns, type: 'merge' });
  const j = await waitFor('pause', 'Suspended');
  await eventually(async () => (await podsOf(created)).length === 0, 10_000, 'pods deleted');
  const after = await getJob('pause');
  assert.equal(after.status!.failed ?? 0, 0);
  assert.equal(j.status!.active ?? 0, 0);
});

test('deleting a Job releases the tracking finalizer of its pods', async () => {
  const job = jobSpec('gone', { parallelism: 1 });
  job.spec!.template.spec!.schedulerName = 'nobody';
  const created = await client.create<Job>(RESOURCES.jobs, job, { namespace: ns });
  const [pod] = await eventually(async () => { const p = await podsOf(created); return p.length === 1 ? p : undefined; }, 10_000, 'pod') as Pod[];
  assert.ok(pod!.metadata!.finalizers?.includes(JOB_TRACKING_FINALIZER));
  await client.delete(RESOURCES.jobs, 'gone', { namespace: ns, propagationPolicy: 'Orphan' });
  await eventually(async () => {
    const p = await client.get<Pod>(RESOURCES.pods, pod!.metadata!.name!, { namespace: ns });
    return !p.metadata!.finalizers?.includes(JOB_TRACKING_FINALIZER);
  }, 10_000, 'finalizer removed');
});
