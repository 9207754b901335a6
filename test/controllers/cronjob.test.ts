/**
 * The CronJob, Job and TTL-after-finished controllers in the test process
 * against a bare API server and the fake cluster. The CronJob controller's
 * clock is the test's, so "a minute later" is immediate: concurrency
 * policies, job names and annotations, history limits, lastSuccessfulTime,
 * and Jobs deleted after their TTL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { Event } from 'kubernetes-types/core/v1.js';
import { createLogger } from '../../src/api/log.js';
import { EventRecorder, InformerFactory, RESOURCES, RestClient } from '../../src/client/index.js';
import { startJobController } from '../../src/controllers/job/index.js';
import { startCronJobController, CRONJOB_SCHEDULED_TIMESTAMP } from '../../src/controllers/cronjob/index.js';
import { startTtlAfterFinishedController } from '../../src/controllers/ttl-after-finished.js';
import { startServer, type RunningServer } from '../harness/server.js';
import { startFakeCluster, type FakeCluster } from '../harness/fake-cluster.js';
import { eventually } from '../harness/kubectl.js';

let server: RunningServer;
let client: RestClient;
let informers: InformerFactory;
let cluster: FakeCluster;
const controllers: { stop(): Promise<void> }[] = [];
const ns = 'default';
let clock = Date.now();

before(async () => {
  server = await startServer({ args: ['--disable-controllers'], datastore: 'memory' });
  client = RestClient.fromKubeconfig(server.kubeconfig, { component: 'cronjob-controller-test' });
  informers = new InformerFactory(RestClient.fromKubeconfig(server.kubeconfig, { maxSockets: 64 }));
  const level = process.env['CRONJOB_TEST_LOG'] ?? 'warn';
  controllers.push(startJobController({
    client, informers, logger: createLogger('job', { level }), recorder: new EventRecorder({ client, component: 'job-controller' }), podFailureBackoffMs: 100,
  }));
  controllers.push(startCronJobController({
    client, informers, logger: createLogger('cronjob', { level }), recorder: new EventRecorder({ client, component: 'cronjob-controller' }), now: () => clock,
  }));
  controllers.push(startTtlAfterFinishedController({ client, informers, logger: createLogger('ttl', { level }) }));
  informers.start();
  cluster = await startFakeCluster({ kubeconfig: server.kubeconfig, nodes: 1, finishAfterMs: 100 });
});
after(async () => {
  await cluster?.stop();
  await Promise.all(controllers.map((c) => c.stop()));
  await informers?.stop();
  client?.close();
  await server?.stop();
});

function cronJob(name: string, spec: Record<string, unknown>, opts: { stuck?: boolean } = {}): CronJob {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: ns },
    spec: {
      schedule: '* * * * *', ...spec,
      jobTemplate: {
        metadata: { labels: { from: name }, annotations: { note: 'kept' } },
        spec: {
          template: {
            spec: {
              restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }],
              ...(opts.stuck ? { schedulerName: 'nobody' } : {}),
            },
          },
        },
      },
    },
  } as CronJob;
}

const getCj = (name: string): Promise<CronJob> => client.get<CronJob>(RESOURCES.cronjobs, name, { namespace: ns });
async function jobsOf(name: string): Promise<Job[]> {
  const cj = await getCj(name);
  const list = await client.list<Job>(RESOURCES.jobs, { namespace: ns });
  return list.items.filter((j) => j.metadata!.ownerReferences?.some((r) => r.uid === cj.metadata!.uid)).sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
}
async function reasons(name: string): Promise<string[]> {
  const cj = await getCj(name);
  const list = await client.list<Event>(RESOURCES.events, { namespace: ns });
  return list.items.filter((e) => e.involvedObject.uid === cj.metadata!.uid).map((e) => e.reason!);
}
/** Moves the controller's clock to `minutes` whole minutes after the CronJob's creation and pokes it. */
async function tick(name: string, minutes: number): Promise<void> {
  const cj = await getCj(name);
  const created = Date.parse(cj.metadata!.creationTimestamp!);
  clock = Math.floor(created / 60_000) * 60_000 + minutes * 60_000 + 1000;
  await client.patch(RESOURCES.cronjobs, name, { metadata: { annotations: { tick: String(minutes) } } }, { namespace: ns, type: 'merge' });
}

test('a due CronJob creates its Job, named by the scheduled minute, and records it', async () => {
  clock = Date.now(); // each CronJob starts at the real time; tick() only moves forward from there
  await client.create(RESOURCES.cronjobs, cronJob('forbid', { concurrencyPolicy: 'Forbid' }, { stuck: true }), { namespace: ns });
  await tick('forbid', 1);
  const [job] = await eventually(async () => { const j = await jobsOf('forbid'); return j.length === 1 ? j : undefined; }, 10_000, 'first job') as Job[];
  const scheduled = Math.floor(clock / 60_000) * 60_000;
  assert.equal(job!.metadata!.name, `forbid-${scheduled / 60_000}`);
  assert.equal(job!.metadata!.labels!['from'], 'forbid');
  assert.equal(job!.metadata!.annotations!['note'], 'kept');
  assert.ok(job!.metadata!.annotations![CRONJOB_SCHEDULED_TIMESTAMP], 'scheduled-timestamp annotation');
  assert.equal(Date.parse(job!.metadata!.annotations![CRONJOB_SCHEDULED_TIMESTAMP]!), scheduled);
  const ref = job!.metadata!.ownerReferences![0]!;
  assert.equal(ref.kind, 'CronJob');
  assert.equal(ref.controller, true);
  const cj = await eventually(async () => { const c = await getCj('forbid'); return c.status?.active?.length === 1 ? c : undefined; }, 5000, 'status.active') as CronJob;
  assert.equal(cj.status!.active![0]!.name, job!.metadata!.name);
  assert.equal(Date.parse(cj.status!.lastScheduleTime!), scheduled);

  // Forbid: a minute later the first Job still runs, so none is started.
  await tick('forbid', 2);
  await eventually(async () => (await reasons('forbid')).includes('JobAlreadyActive'), 10_000, 'JobAlreadyActive');
  assert.equal((await jobsOf('forbid')).length, 1);
  assert.ok((await reasons('forbid')).includes('SuccessfulCreate'));
});

test('Replace deletes the running Job and starts the new one', async () => {
  clock = Date.now(); // each CronJob starts at the real time; tick() only moves forward from there
  await client.create(RESOURCES.cronjobs, cronJob('replace', { concurrencyPolicy: 'Replace' }, { stuck: true }), { namespace: ns });
  await tick('replace', 1);
  const [first] = await eventually(async () => { const j = await jobsOf('replace'); return j.length === 1 ? j : undefined; }, 10_000, 'first job') as Job[];
  await eventually(async () => (await getCj('replace')).status?.active?.length === 1, 5000, 'active');
  await tick('replace', 2);
  const cj = await eventually(async () => {
    const c = await getCj('replace');
    return c.status?.active?.length === 1 && c.status.active[0]!.name !== first!.metadata!.name ? c : undefined;
  }, 10_000, 'replaced') as CronJob;
  assert.notEqual(cj.status!.active![0]!.name, first!.metadata!.name);
  await eventually(async () => {
    const names = (await jobsOf('replace')).filter((j) => !j.metadata!.deletionTimestamp).map((j) => j.metadata!.name);
    return names.length === 1 && names[0] !== first!.metadata!.name;
  }, 10_000, 'old job deleted');
  assert.ok((await reasons('replace')).includes('SuccessfulDelete'));
});

test('Allow with history limits keeps the newest finished Jobs and records lastSuccessfulTime', async () => {
  clock = Date.now(); // each CronJob starts at the real time; tick() only moves forward from there
  await client.create(RESOURCES.cronjobs, cronJob('history', { successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 0 }), { namespace: ns });
  for (let m = 1; m <= 4; m++) {
    await tick('history', m);
    await eventually(async () => {
      const c = await getCj('history');
      return c.status?.lastScheduleTime && Date.parse(c.status.lastScheduleTime) === Math.floor(clock / 60_000) * 60_000
        && (c.status.active ?? []).length === 0;
    }, 15_000, `run ${m} done`);
  }
  await tick('history', 4); // a sync after the last completion cleans up
  const jobs = await eventually(async () => {
    const j = (await jobsOf('history')).filter((x) => !x.metadata!.deletionTimestamp);
    return j.length === 2 ? j : undefined;
  }, 10_000, 'two jobs kept') as Job[];
  const minutes = jobs.map((j) => Number(j.metadata!.name!.split('-').pop())).sort();
  const last = Math.floor(clock / 60_000);
  assert.deepEqual(minutes, [last - 1, last], 'the newest two are kept');
  const cj = await getCj('history');
  assert.ok(cj.status!.lastSuccessfulTime, 'lastSuccessfulTime');
  const r = await reasons('history');
  assert.ok(r.includes('SawCompletedJob') && r.includes('SuccessfulDelete'), r.join(','));
});

test('a suspended CronJob creates nothing', async () => {
  clock = Date.now(); // each CronJob starts at the real time; tick() only moves forward from there
  await client.create(RESOURCES.cronjobs, cronJob('paused', { suspend: true }), { namespace: ns });
  await tick('paused', 3);
  // Give the controller a chance to (wrongly) act, then check that it did not.
  await eventually(async () => (await getCj('paused')).metadata!.annotations?.['tick'] === '3', 5000, 'poked');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await jobsOf('paused')).length, 0);
  assert.equal((await getCj('paused')).status?.lastScheduleTime, undefined);
});

test('ttlSecondsAfterFinished deletes a finished Job', async () => {
  const job: Job = {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'short-lived', namespace: ns },
    spec: { ttlSecondsAfterFinished: 3, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } } },
  };
  await client.create(RESOURCES.jobs, job, { namespace: ns });
  await eventually(async () => {
    const j = await client.get<Job>(RESOURCES.jobs, 'short-lived', { namespace: ns });
    return j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True');
  }, 10_000, 'complete');
  await eventually(async () => {
    try {
      await client.get<Job>(RESOURCES.jobs, 'short-lived', { namespace: ns });
      return false;
    } catch (e) { return (e as { code?: number }).code === 404; }
  }, 15_000, 'deleted after its TTL');
});
