import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import { tableConvertorFor } from '../../src/apiserver/tables/index.js';
import { NOW, ago, obj } from './helpers.js';

const names = (group: string, plural: string) => tableConvertorFor(group, plural).columns().map((c) => (c.priority ? `${c.name}*` : c.name));
const cells = (group: string, plural: string, o: unknown) => tableConvertorFor(group, plural).cells(obj(o), NOW);

const template = {
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'sidecar', image: 'busybox' }] },
};

test('deployment: Ready "ready/desired", integers, wide containers/images/selector', () => {
  assert.deepEqual(names('apps', 'deployments'), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers*', 'Images*', 'Selector*']);
  const d: Deployment = {
    metadata: { name: 'web', creationTimestamp: ago(3, 'h') },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web', tier: 'fe' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] }, template },
    status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  };
  assert.deepEqual(cells('apps', 'deployments', d),
    ['web', '2/3', 3, 2, '3h', 'nginx,sidecar', 'nginx:1.27,busybox', 'app=web,env in (dev,prod),tier=fe']);
  // A fresh deployment without status, and an empty selector printing as "".
  const fresh: Deployment = { metadata: { name: 'new' }, spec: { selector: {}, template: { spec: { containers: [] } } } };
  assert.deepEqual(cells('apps', 'deployments', fresh), ['new', '0/1', 0, 0, '<unknown>', '', '', '']);
});

test('replicaset, statefulset and daemonset rows', () => {
  const rs: ReplicaSet = { metadata: { name: 'web-7d9f', creationTimestamp: ago(2, 'd') },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template }, status: { replicas: 2, readyReplicas: 1 } };
  assert.deepEqual(cells('apps', 'replicasets', rs), ['web-7d9f', 2, 2, 1, '2d', 'nginx,sidecar', 'nginx:1.27,busybox', 'app=web']);
  const sts: StatefulSet = { metadata: { name: 'db', creationTimestamp: ago(30, 's') },
    spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template }, status: { replicas: 1, readyReplicas: 1 } };
  assert.deepEqual(cells('apps', 'statefulsets', sts), ['db', '1/3', '30s', 'nginx,sidecar', 'nginx:1.27,busybox']);
  const ds: DaemonSet = { metadata: { name: 'agent', creationTimestamp: ago(5, 'm') },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { ...template, spec: { ...template.spec, nodeSelector: { 'kubernetes.io/os': 'linux' } } } },
    status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2, numberMisscheduled: 0 } };
  assert.deepEqual(names('apps', 'daemonsets'), ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers*', 'Images*', 'Selector*']);
  assert.deepEqual(cells('apps', 'daemonsets', ds), ['agent', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '5m', 'nginx,sidecar', 'nginx:1.27,busybox', 'app=agent']);
});

test('completed job: Complete, "1/1", duration from start to completion', () => {
  assert.deepEqual(names('batch', 'jobs'), ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers*', 'Images*', 'Selector*']);
  const job: Job = {
    metadata: { name: 'pi', creationTimestamp: ago(10, 'm') },
    spec: { completions: 1, parallelism: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } },
      template: { spec: { containers: [{ name: 'pi', image: 'perl' }], restartPolicy: 'Never' } } },
    status: { startTime: ago(10, 'm'), completionTime: ago(9, 'm'), succeeded: 1,
      conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] },
  };
  assert.deepEqual(cells('batch', 'jobs', job), ['pi', 'Complete', '1/1', '60s', '10m', 'pi', 'perl', 'batch.kubernetes.io/controller-uid=abc']);
});

test('job status precedence and completions forms', () => {
  const job = (o: Partial<Job>): Job => ({ metadata: { name: 'j', ...o.metadata }, spec: { template: {}, ...o.spec }, status: o.status ?? {} });
  const status = (j: Job) => cells('batch', 'jobs', j)[1];
  const completions = (j: Job) => cells('batch', 'jobs', j)[2];
  const duration = (j: Job) => cells('batch', 'jobs', j)[3];
  assert.equal(status(job({})), 'Running');
  assert.equal(status(job({ status: { conditions: [{ type: 'Failed', status: 'True' }] } })), 'Failed');
  assert.equal(status(job({ status: { conditions: [{ type: 'Failed', status: 'False' }] } })), 'Running');
  assert.equal(status(job({ metadata: { deletionTimestamp: ago(1, 's') }, status: { conditions: [{ type: 'Suspended', status: 'True' }] } })), 'Terminating');
  assert.equal(status(job({ status: { conditions: [{ type: 'Suspended', status: 'True' }] } })), 'Suspended');
  assert.equal(status(job({ status: { conditions: [{ type: 'FailureTarget', status: 'True' }] } })), 'FailureTarget');
  assert.equal(completions(job({ spec: { parallelism: 3, template: {} }, status: { succeeded: 2 } })), '2/1 of 3');
  assert.equal(completions(job({ spec: { completions: 5, template: {} }, status: { succeeded: 2 } })), '2/5');
  assert.equal(completions(job({})), '0/1');
  assert.equal(duration(job({})), '');
  assert.equal(duration(job({ status: { startTime: ago(5, 'm') } })), '5m');
});

test('cronjob row', () => {
  assert.deepEqual(names('batch', 'cronjobs'), ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers*', 'Images*', 'Selector*']);
  const cj: CronJob = {
    metadata: { name: 'hello', creationTimestamp: ago(2, 'h') },
    spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox' }] } } } } },
    status: { active: [{ name: 'hello-1' }], lastScheduleTime: ago(3, 'm') },
  };
  assert.deepEqual(cells('batch', 'cronjobs', cj), ['hello', '*/5 * * * *', '<none>', 'False', 1, '3m', '120m', 'hello', 'busybox', '<none>']);
  const never: CronJob = { metadata: { name: 'n' }, spec: { schedule: '@daily', timeZone: 'Etc/UTC', jobTemplate: {} } };
  assert.deepEqual(cells('batch', 'cronjobs', never).slice(0, 6), ['n', '@daily', 'Etc/UTC', '<unset>', 0, '<none>']);
});
