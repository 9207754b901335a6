import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GROUP_STRATEGIES } from '../../src/apiserver/registry/groups.js';
import { STATEFULSET_SPEC_FORBIDDEN } from '../../src/apiserver/registry/apps/stateful-set.js';
import { cronScheduleErrors } from '../../src/apiserver/registry/batch/cron-schedule.js';
import { create, messages, template, update } from './helpers.js';

const s = GROUP_STRATEGIES;
const deployment = (sel: Record<string, string>, labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { matchLabels: sel }, template: template(labels), ...extra },
});

test('Deployment: selector does not match template labels', () => {
  const { errs } = create(s['apps/deployments'], deployment({ app: 'y' }, { app: 'x' }));
  assert.equal(errs.length, 1);
  assert.deepEqual(errs[0], {
    type: 'FieldValueInvalid', field: 'spec.template.metadata.labels', value: { app: 'x' },
    detail: '`selector` does not match template `labels`',
  });
  // Upstream renders the map as Go's %#v.
  assert.match(messages(errs)[0], /^spec\.template\.metadata\.labels: Invalid value: map\[string\]string\{"app":"[a-z]+"\}: `selector` does not match template `labels`$/);
});

test('Deployment: selector required and non-empty', () => {
  const missing = create(s['apps/deployments'], { metadata: { name: 'web' }, spec: { template: template({ app: 'x' }) } });
  assert.deepEqual(missing.msgs, ['spec.selector: Required value']);
  const empty = create(s['apps/deployments'], deployment({}, { app: 'x' }));
  assert.deepEqual(empty.errs.map((e) => [e.field, e.detail]), [['spec.selector', 'empty selector is invalid for deployment']]);
});

test('Deployment: selector is immutable', () => {
  const old = create(s['apps/deployments'], deployment({ app: 'x' }, { app: 'x', tier: 'a' })).obj;
  const next = structuredClone(old);
  (next.spec as { selector: unknown }).selector = { matchLabels: { app: 'x', tier: 'a' } };
  const { msgs } = update(s['apps/deployments'], next, old);
  assert.deepEqual(msgs, ['spec.selector: Invalid value: {"matchLabels":{"app":"x","tier":"a"}}: field is immutable']);
});

test('Deployment: replicas, restartPolicy, rolling update budgets', () => {
  const { msgs } = create(s['apps/deployments'], deployment({ app: 'x' }, { app: 'x' }, {
    replicas: -1,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } },
  }));
  assert.deepEqual(msgs, [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0',
  ]);
  const over = create(s['apps/deployments'], deployment({ app: 'x' }, { app: 'x' }, {
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '150%' } },
  }));
  assert.deepEqual(over.msgs, ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%']);
  const never = create(s['apps/deployments'], {
    metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'x' } }, template: template({ app: 'x' }, 'Never') },
  });
  assert.deepEqual(never.msgs, ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']);
});

test('Deployment: spec change keeps status; status update keeps spec', () => {
  const old = create(s['apps/deployments'], deployment({ app: 'x' }, { app: 'x' })).obj;
  old.status = { replicas: 1 };
  const next = structuredClone(old);
  next.status = { replicas: 7 };
  (next.spec as { replicas: number }).replicas = 3;
  const { obj } = update(s['apps/deployments'], next, old);
  assert.deepEqual(obj.status, { replicas: 1 });
  const st = structuredClone(old);
  st.status = { replicas: 5 };
  (st.spec as { replicas: number }).replicas = 9;
  s['apps/deployments'].status!.prepareForUpdate(st, old);
  assert.deepEqual(st.status, { replicas: 5 });
  assert.equal((st.spec as { replicas: number }).replicas, 1);
});

test('StatefulSet: only some spec fields may change', () => {
  const old = create(s['apps/statefulsets'], {
    metadata: { name: 'db' }, spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template({ app: 'db' }) },
  }).obj;
  const scaled = structuredClone(old);
  (scaled.spec as { replicas: number }).replicas = 3;
  assert.deepEqual(update(s['apps/statefulsets'], scaled, old).msgs, []);
  const renamed = structuredClone(old);
  (renamed.spec as { serviceName: string }).serviceName = 'other';
  assert.deepEqual(update(s['apps/statefulsets'], renamed, old).msgs, [`spec: Forbidden: ${STATEFULSET_SPEC_FORBIDDEN}`]);
});

test('DaemonSet: maxSurge and maxUnavailable may not both be set', () => {
  const { msgs } = create(s['apps/daemonsets'], {
    metadata: { name: 'a' },
    spec: {
      selector: { matchLabels: { app: 'a' } }, template: template({ app: 'a' }),
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } },
    },
  });
  assert.deepEqual(msgs, ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero']);
});

test('ControllerRevision: data mandatory and immutable', () => {
  assert.deepEqual(create(s['apps/controllerrevisions'], { metadata: { name: 'r' }, revision: 1 }).msgs,
    ['data: Required value: data is mandatory']);
  const old = { metadata: { name: 'r' }, revision: 1, data: { a: 1 } };
  assert.deepEqual(update(s['apps/controllerrevisions'], { ...old, data: { a: 2 } }, old).msgs,
    ['data: Invalid value: {"a":2}: field is immutable']);
});

test('Job: restartPolicy must be OnFailure or Never', () => {
  const { msgs } = create(s['batch/jobs'], { metadata: { name: 'pi' }, spec: { template: template({}) } });
  assert.deepEqual(msgs, ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']);
});

test('Job: template and completions are immutable; suspended jobs may change scheduling directives', () => {
  const old = create(s['batch/jobs'], { metadata: { name: 'pi' }, spec: { template: template({}, 'Never') } }).obj;
  const changed = structuredClone(old);
  const spec = changed.spec as { completions: number; template: { spec: { containers: Array<{ image: string }> } } };
  spec.template.spec.containers[0].image = 'busybox';
  spec.completions = 2;
  const fields = update(s['batch/jobs'], changed, old).errs.map((e) => `${e.field}: ${e.detail}`);
  assert.deepEqual(fields, ['spec.completions: field is immutable', 'spec.template: field is immutable']);

  const suspended = create(s['batch/jobs'], { metadata: { name: 'pi' }, spec: { suspend: true, template: template({}, 'Never') } }).obj;
  const moved = structuredClone(suspended);
  (moved.spec as { template: { spec: Record<string, unknown> } }).template.spec.nodeSelector = { zone: 'a' };
  assert.deepEqual(update(s['batch/jobs'], moved, suspended).msgs, []);
});

test('Job: manual selector must match the template', () => {
  const { errs } = create(s['batch/jobs'], {
    metadata: { name: 'pi' },
    spec: { manualSelector: true, selector: { matchLabels: { a: 'b' } }, template: template({ a: 'c' }, 'Never') },
  });
  assert.deepEqual(errs.map((e) => e.field), ['spec.template.metadata.labels']);
});

test('CronJob: bad schedules', () => {
  const bad = create(s['batch/cronjobs'], {
    metadata: { name: 'c' }, spec: { schedule: 'every minute', jobTemplate: { spec: { template: template({}, 'OnFailure') } } },
  });
  assert.deepEqual(bad.msgs, ['spec.schedule: Invalid value: "every minute": expected exactly 5 fields, found 2: [every minute]']);
  assert.deepEqual(cronScheduleErrors('61 * * * *'), ['end of range (61) above maximum (59): 61']);
  assert.deepEqual(cronScheduleErrors('* * * * x'), ['failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax']);
  assert.deepEqual(cronScheduleErrors('@weekly-ish'), ['unrecognized descriptor: @weekly-ish']);
  for (const ok of ['@hourly', '@every 1h30m', '*/5 * * * *', '0 9-17 * JAN-MAR mon-fri', '0,30 0 1 */2 *']) {
    assert.deepEqual(cronScheduleErrors(ok), [], ok);
  }
  const missing = create(s['batch/cronjobs'], { metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: template({}, 'OnFailure') } } } });
  assert.deepEqual(missing.msgs, ['spec.schedule: Required value']);
});

test('CronJob: TZ in schedule, timeZone, name length', () => {
  const jt = { spec: { template: template({}, 'OnFailure') } };
  assert.deepEqual(create(s['batch/cronjobs'], { metadata: { name: 'c' }, spec: { schedule: 'TZ=UTC 0 * * * *', jobTemplate: jt } }).msgs,
    ['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']);
  assert.deepEqual(create(s['batch/cronjobs'], { metadata: { name: 'c' }, spec: { schedule: '0 * * * *', timeZone: 'Mars/Olympus', jobTemplate: jt } }).msgs,
    ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']);
  assert.deepEqual(create(s['batch/cronjobs'], { metadata: { name: 'c' }, spec: { schedule: '0 * * * *', timeZone: 'Europe/Berlin', jobTemplate: jt } }).msgs, []);
  const long = 'a'.repeat(53);
  assert.deepEqual(create(s['batch/cronjobs'], { metadata: { name: long }, spec: { schedule: '0 * * * *', jobTemplate: jt } }).msgs,
    [`metadata.name: Invalid value: "${long}": must be no more than 52 characters`]);
});

test('PodDisruptionBudget: minAvailable xor maxUnavailable; eviction policy values', () => {
  const { errs } = create(s['policy/poddisruptionbudgets'], {
    metadata: { name: 'p' }, spec: { minAvailable: 1, maxUnavailable: 1, unhealthyPodEvictionPolicy: 'Sometimes' },
  });
  assert.deepEqual(messages(errs).slice(1), ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Sometimes": supported values: "AlwaysAllow", "IfHealthyBudget"']);
  assert.equal(errs[0].detail, 'minAvailable and maxUnavailable cannot be both set');
});

test('Ingress: pathType required, backend service xor resource', () => {
  const { msgs } = create(s['networking.k8s.io/ingresses'], {
    metadata: { name: 'i' },
    spec: { rules: [{ host: 'example.com', http: { paths: [
      { path: '/', backend: { service: { name: 'web', port: { number: 80 } } } },
      { path: '/x', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } }, resource: { kind: 'B', name: 'b' } } },
    ] } }] },
  });
  assert.deepEqual(msgs, [
    'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
    'spec.rules[0].http.paths[1].backend: Invalid value: "": cannot set both resource and service backends',
  ]);
});

test('RBAC: roleRef cannot change; rules need verbs', () => {
  const old = { metadata: { name: 'rb' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [] };
  const next = { ...old, roleRef: { ...old.roleRef, name: 'edit' } };
  assert.deepEqual(update(s['rbac.authorization.k8s.io/clusterrolebindings'], next, old).errs.map((e) => `${e.field}: ${e.detail}`),
    ['roleRef: cannot change roleRef']);
  assert.deepEqual(create(s['rbac.authorization.k8s.io/roles'], { metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'] }] }).msgs,
    ['rules[0].verbs: Required value: verbs must contain at least one value']);
  assert.equal(s['rbac.authorization.k8s.io/roles'].nameRule, 'pathSegment');
});

test('StorageClass: provisioner required, parameters immutable', () => {
  assert.deepEqual(create(s['storage.k8s.io/storageclasses'], { metadata: { name: 'sc' } }).msgs, ['provisioner: Required value']);
  const old = create(s['storage.k8s.io/storageclasses'], { metadata: { name: 'sc' }, provisioner: 'x.io/p', parameters: { a: '1' } }).obj;
  assert.deepEqual(update(s['storage.k8s.io/storageclasses'], { ...old, parameters: { a: '2' } }, old).msgs,
    ['parameters: Forbidden: updates to parameters are forbidden.']);
});

test('PriorityClass: system- prefix reserved, value immutable', () => {
  assert.deepEqual(create(s['scheduling.k8s.io/priorityclasses'], { metadata: { name: 'system-mine' }, value: 5 }).msgs,
    ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"]);
  const old = create(s['scheduling.k8s.io/priorityclasses'], { metadata: { name: 'p' }, value: 5 }).obj;
  assert.deepEqual(update(s['scheduling.k8s.io/priorityclasses'], { ...old, value: 6 }, old).msgs, ['value: Forbidden: may not be changed in an update.']);
});

test('EndpointSlice: addressType required and immutable', () => {
  assert.deepEqual(create(s['discovery.k8s.io/endpointslices'], { metadata: { name: 'e' }, endpoints: [] }).msgs, ['addressType: Required value']);
  const old = create(s['discovery.k8s.io/endpointslices'], { metadata: { name: 'e' }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }] }).obj;
  assert.deepEqual(update(s['discovery.k8s.io/endpointslices'], { ...old, addressType: 'IPv6', endpoints: [] }, old).msgs,
    ['addressType: Invalid value: "IPv6": field is immutable']);
  assert.deepEqual(create(s['discovery.k8s.io/endpointslices'], { metadata: { name: 'e' }, addressType: 'IPv4', endpoints: [{ addresses: ['::1'] }] }).msgs,
    ['endpoints[0].addresses[0]: Invalid value: "::1": must be a valid IPv4 address']);
});

test('HPA: replicas bounds', () => {
  const { msgs } = create(s['autoscaling/horizontalpodautoscalers'], {
    metadata: { name: 'h' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 3, maxReplicas: 2 },
  });
  assert.deepEqual(msgs, ['spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`']);
});
