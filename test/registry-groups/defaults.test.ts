import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GROUP_STRATEGIES } from '../../src/apiserver/registry/groups.js';
import { UID, DEFAULTED_POD_SPEC, create, template } from './helpers.js';

const s = GROUP_STRATEGIES;

test('Deployment defaults', () => {
  const { obj, msgs } = create(s['apps/deployments'], {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) },
    status: { replicas: 9 },
  });
  assert.deepEqual(msgs, []);
  assert.deepEqual(obj.spec, {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    template: { metadata: { labels: { app: 'web' } }, spec: DEFAULTED_POD_SPEC },
  });
  assert.deepEqual(obj.status, {});
});

test('Deployment Recreate gets no rollingUpdate', () => {
  const { obj } = create(s['apps/deployments'], {
    metadata: { name: 'web' },
    spec: { strategy: { type: 'Recreate' }, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) },
  });
  assert.deepEqual((obj.spec as { strategy: unknown }).strategy, { type: 'Recreate' });
});

test('StatefulSet defaults', () => {
  const { obj, msgs } = create(s['apps/statefulsets'], {
    metadata: { name: 'db' },
    spec: {
      serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template({ app: 'db' }),
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  });
  assert.deepEqual(msgs, []);
  assert.deepEqual(obj.spec, {
    serviceName: 'db',
    replicas: 1,
    selector: { matchLabels: { app: 'db' } },
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    revisionHistoryLimit: 10,
    template: { metadata: { labels: { app: 'db' } }, spec: DEFAULTED_POD_SPEC },
    volumeClaimTemplates: [{
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    }],
  });
});

test('StatefulSet OnDelete keeps no rollingUpdate', () => {
  const { obj } = create(s['apps/statefulsets'], {
    metadata: { name: 'db' },
    spec: { updateStrategy: { type: 'OnDelete' }, selector: { matchLabels: { app: 'db' } }, template: template({ app: 'db' }) },
  });
  assert.deepEqual((obj.spec as { updateStrategy: unknown }).updateStrategy, { type: 'OnDelete' });
});

test('DaemonSet defaults', () => {
  const { obj, msgs } = create(s['apps/daemonsets'], {
    metadata: { name: 'agent' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: template({ app: 'agent' }) },
  });
  assert.deepEqual(msgs, []);
  assert.deepEqual(obj.spec, {
    selector: { matchLabels: { app: 'agent' } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    revisionHistoryLimit: 10,
    template: { metadata: { labels: { app: 'agent' } }, spec: DEFAULTED_POD_SPEC },
  });
});

test('Job defaults and generated selector', () => {
  const { obj, msgs } = create(s['batch/jobs'], {
    metadata: { name: 'pi', namespace: 'default' },
    spec: { template: template({}, 'Never') },
  });
  assert.deepEqual(msgs, []);
  const labels = {
    'batch.kubernetes.io/controller-uid': UID, 'batch.kubernetes.io/job-name': 'pi',
    'controller-uid': UID, 'job-name': 'pi',
  };
  assert.deepEqual(obj.metadata.labels, labels);
  assert.deepEqual(obj.spec, {
    backoffLimit: 6,
    completionMode: 'NonIndexed',
    completions: 1,
    manualSelector: false,
    parallelism: 1,
    podReplacementPolicy: 'TerminatingOrFailed',
    selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': UID } },
    suspend: false,
    template: { metadata: { labels }, spec: { ...DEFAULTED_POD_SPEC, restartPolicy: 'Never' } },
  });
});

test('Job: parallelism alone leaves completions unset; podFailurePolicy makes replacement Failed', () => {
  const { obj } = create(s['batch/jobs'], {
    metadata: { name: 'w' },
    spec: {
      parallelism: 3, template: template({}, 'Never'),
      podFailurePolicy: { rules: [{ action: 'FailJob', onPodConditions: [{ type: 'DisruptionTarget' }] }] },
    },
  });
  const spec = obj.spec as Record<string, unknown>;
  assert.equal(spec.completions, undefined);
  assert.equal(spec.parallelism, 3);
  assert.equal(spec.podReplacementPolicy, 'Failed');
  assert.deepEqual((spec.podFailurePolicy as { rules: Array<{ onPodConditions: unknown }> }).rules[0].onPodConditions,
    [{ type: 'DisruptionTarget', status: 'True' }]);
});

test('CronJob defaults (job template gets pod defaults only)', () => {
  const { obj, msgs } = create(s['batch/cronjobs'], {
    metadata: { name: 'hello' },
    spec: { schedule: '*/1 * * * *', jobTemplate: { spec: { template: template({}, 'OnFailure') } } },
  });
  assert.deepEqual(msgs, []);
  assert.deepEqual(obj.spec, {
    schedule: '*/1 * * * *',
    concurrencyPolicy: 'Allow',
    suspend: false,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 1,
    jobTemplate: { spec: { template: { metadata: { labels: {} }, spec: { ...DEFAULTED_POD_SPEC, restartPolicy: 'OnFailure' } } } },
  });
});

test('HPA v2 defaults: minReplicas 1, CPU 80%', () => {
  const { obj, msgs } = create(s['autoscaling/horizontalpodautoscalers'], {
    metadata: { name: 'web' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5 },
  });
  assert.deepEqual(msgs, []);
  assert.deepEqual(obj.spec, {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas: 5,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
  });
});

test('HPA v2 behavior defaults fill both directions', () => {
  const { obj, msgs } = create(s['autoscaling/horizontalpodautoscalers'], {
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5,
      behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
    },
  });
  assert.deepEqual(msgs, []);
  assert.deepEqual((obj.spec as { behavior: unknown }).behavior, {
    scaleUp: {
      stabilizationWindowSeconds: 0, selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
    },
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
  });
});

test('NetworkPolicy defaults', () => {
  const ingressOnly = create(s['networking.k8s.io/networkpolicies'], {
    metadata: { name: 'np' },
    spec: { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] },
  });
  assert.deepEqual(ingressOnly.msgs, []);
  assert.deepEqual(ingressOnly.obj.spec, {
    podSelector: {}, ingress: [{ ports: [{ port: 80, protocol: 'TCP' }] }], policyTypes: ['Ingress'],
  });
  const withEgress = create(s['networking.k8s.io/networkpolicies'], {
    metadata: { name: 'np' },
    spec: { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] },
  });
  assert.deepEqual(withEgress.obj.spec, {
    podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }], policyTypes: ['Ingress', 'Egress'],
  });
});

test('StorageClass defaults', () => {
  const { obj, msgs } = create(s['storage.k8s.io/storageclasses'], {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard' }, provisioner: 'rancher.io/local-path',
  });
  assert.deepEqual(msgs, []);
  assert.deepEqual(obj, {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard', uid: UID },
    provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate',
  });
});

test('PriorityClass defaults', () => {
  const { obj, msgs } = create(s['scheduling.k8s.io/priorityclasses'], {
    apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000,
  });
  assert.deepEqual(msgs, []);
  assert.equal(obj.preemptionPolicy, 'PreemptLowerPriority');
  assert.equal(obj.globalDefault, undefined);
});

test('RoleBinding defaults roleRef.apiGroup and User/Group subject apiGroup', () => {
  const { obj, msgs } = create(s['rbac.authorization.k8s.io/rolebindings'], {
    metadata: { name: 'rb', namespace: 'default' },
    roleRef: { kind: 'Role', name: 'r' },
    subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'default', namespace: 'default' }],
  });
  assert.deepEqual(msgs, []);
  assert.deepEqual(obj.roleRef, { kind: 'Role', name: 'r', apiGroup: 'rbac.authorization.k8s.io' });
  assert.deepEqual(obj.subjects, [
    { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' },
    { kind: 'ServiceAccount', name: 'default', namespace: 'default' },
  ]);
});

test('EndpointSlice port defaults', () => {
  const { obj, msgs } = create(s['discovery.k8s.io/endpointslices'], {
    metadata: { name: 'es' }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }],
  });
  assert.deepEqual(msgs, []);
  assert.deepEqual(obj.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
});
