import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podStrategy, POD_UPDATE_FORBIDDEN } from '../../src/apiserver/registry/core/pods.js';
import { podQOSClass } from '../../src/api/pods/index.js';
import { defaultPodTemplateSpec } from '../../src/api/defaults/pod.js';
import { admitPod } from '../../src/api/defaults/admit-pod.js';
import { create, statusUpdate, update } from './helpers.js';

const minimal = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web', namespace: 'default' },
  spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
};

test('pods: a minimal pod gets the defaults and admission extras upstream stores', () => {
  const { obj, errs } = create(podStrategy, minimal);
  assert.deepEqual(errs, []);
  assert.deepEqual(obj.spec, {
    containers: [{
      name: 'nginx', image: 'nginx', imagePullPolicy: 'Always', resources: {},
      terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
    }],
    dnsPolicy: 'ClusterFirst',
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    serviceAccount: 'default',
    serviceAccountName: 'default',
    terminationGracePeriodSeconds: 30,
    tolerations: [
      { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
      { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
    ],
  });
  assert.deepEqual(obj.status, { phase: 'Pending', qosClass: 'BestEffort' });
});

test('pods: defaults and admission are idempotent', () => {
  const once = create(podStrategy, minimal).obj;
  const twice = create(podStrategy, once).obj;
  assert.deepEqual(twice.spec, once.spec);
  const pod = structuredClone(once) as Parameters<typeof admitPod>[0];
  admitPod(pod);
  assert.deepEqual(pod.spec, once.spec);
});

test('pods: a mirror pod gets no service account from admission, as upstream; priority and tolerations still', () => {
  const pod = { metadata: { name: 'etcd-n1', annotations: { 'kubernetes.io/config.mirror': 'abc' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } as Parameters<typeof admitPod>[0];
  admitPod(pod);
  assert.equal(pod.spec?.serviceAccountName, undefined);
  assert.equal(pod.spec?.serviceAccount, undefined);
  assert.equal(pod.spec?.priority, 0);
  assert.equal(pod.spec?.tolerations?.length, 2);
});

test('pods: imagePullPolicy follows the tag', () => {
  const images: Array<[string, string]> = [
    ['nginx', 'Always'], ['nginx:latest', 'Always'], ['nginx:1.25', 'IfNotPresent'],
    ['localhost:5000/app', 'Always'], ['localhost:5000/app:v1', 'IfNotPresent'],
    ['nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'IfNotPresent'],
  ];
  for (const [image, policy] of images) {
    const { obj } = create(podStrategy, { ...minimal, spec: { containers: [{ name: 'c', image }] } });
    assert.equal((obj.spec as { containers: Array<{ imagePullPolicy: string }> }).containers[0].imagePullPolicy, policy, image);
  }
});

test('pods: container details get their defaults', () => {
  const { obj, errs } = create(podStrategy, {
    ...minimal,
    spec: {
      containers: [{
        name: 'c', image: 'busybox:1.36',
        ports: [{ containerPort: 80 }],
        env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
        resources: { limits: { cpu: '1', memory: '1Gi' } },
        livenessProbe: { httpGet: { port: 80 } },
        volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }, { name: 'scratch', mountPath: '/tmp' }],
      }],
      volumes: [{ name: 'cfg', configMap: { name: 'app' } }, { name: 'scratch' }],
    },
  });
  assert.deepEqual(errs, []);
  const spec = obj.spec as Record<string, never>;
  const c = (spec.containers as Array<Record<string, unknown>>)[0];
  assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
  assert.deepEqual(c.env, [{ name: 'NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }]);
  assert.deepEqual(c.resources, { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } });
  assert.deepEqual(c.livenessProbe, {
    httpGet: { port: 80, path: '/', scheme: 'HTTP' },
    timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3,
  });
  assert.deepEqual(spec.volumes, [{ name: 'cfg', configMap: { name: 'app', defaultMode: 420 } }, { name: 'scratch', emptyDir: {} }]);
  assert.equal((obj.status as { qosClass: string }).qosClass, 'Guaranteed');
});

test('pods: a deployment-style template gets spec defaults but not pod-only ones', () => {
  const tmpl = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } };
  defaultPodTemplateSpec(tmpl);
  assert.deepEqual(tmpl, {
    metadata: { labels: { app: 'web' } },
    spec: {
      containers: [{
        name: 'nginx', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent', resources: {},
        terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
      }],
      dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', schedulerName: 'default-scheduler',
      securityContext: {}, terminationGracePeriodSeconds: 30,
    },
  });
});

test('pods: validation errors name the field and use upstream texts', () => {
  const cases: Array<[unknown, string]> = [
    [{ containers: [] }, 'spec.containers: Required value'],
    [{ containers: [{ name: 'c' }] }, 'spec.containers[0].image: Required value'],
    [{ containers: [{ name: 'C_1', image: 'x' }] },
      "spec.containers[0].name: Invalid value: \"C_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"],
    [{ containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] }, 'spec.containers[1].name: Duplicate value: "a"'],
    [{ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 70000 }] }] },
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
    [{ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80, protocol: 'HTTP' }] }] },
      'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
    [{ containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'missing', mountPath: '/x' }] }] },
      'spec.containers[0].volumeMounts[0].name: Not found: "missing"'],
    [{ containers: [{ name: 'a', image: 'x' }], restartPolicy: 'Sometimes' },
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    [{ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] },
      'spec.containers[0].resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1'],
    [{ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: 'lots' } } }] },
      "spec.containers[0].resources.requests[cpu]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
    [{ containers: [{ name: 'a', image: 'x' }], terminationGracePeriodSeconds: -1 },
      'spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0'],
    [{ containers: [{ name: 'a', image: 'x', imagePullPolicy: 'Sometimes' }] },
      'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'],
    [{ containers: [{ name: 'a', image: 'x' }], volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }] },
      'spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type'],
    [{ containers: [{ name: 'a', image: 'x' }], tolerations: [{ operator: 'Equal', value: 'x' }] },
      'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"'],
    [{ containers: [{ name: 'a', image: 'x' }], serviceAccountName: 'Bad_Name' },
      "spec.serviceAccountName: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
    [{ containers: [{ name: 'a', image: 'x', env: [{ name: 'A=B', value: '1' }] }] },
      "spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='"],
    [{ hostNetwork: true, containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }] }] },
      'spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true'],
  ];
  for (const [spec, want] of cases) {
    const { errs } = create(podStrategy, { ...minimal, spec });
    assert.ok(errs.includes(want), `want ${want}\ngot ${JSON.stringify(errs, null, 1)}`);
  }
});

test('pods: updates may change images, add tolerations, shorten activeDeadlineSeconds', () => {
  const stored = create(podStrategy, minimal).obj;
  const next = structuredClone(stored) as typeof stored & { spec: { containers: Array<{ image: string }>; tolerations: unknown[]; activeDeadlineSeconds?: number } };
  next.spec.containers[0].image = 'nginx:1.27';
  next.spec.tolerations.push({ key: 'x', operator: 'Exists', effect: 'NoSchedule' });
  next.spec.activeDeadlineSeconds = 60;
  assert.deepEqual(update(podStrategy, next, stored).errs, []);
});

test('pods: updates of other spec fields are forbidden with upstream message', () => {
  const stored = create(podStrategy, minimal).obj;
  const next = structuredClone(stored) as typeof stored & { spec: { restartPolicy: string } };
  next.spec.restartPolicy = 'Never';
  assert.deepEqual(update(podStrategy, next, stored).errs, [`spec: Forbidden: ${POD_UPDATE_FORBIDDEN}`]);
  assert.match(POD_UPDATE_FORBIDDEN, /^pod updates may not change fields other than `spec.containers\[\*\].image`,`spec.initContainers\[\*\].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` \(only additions to existing tolerations\),`spec.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)$/);
});

test('pods: adding a container is forbidden; removing a toleration too', () => {
  const stored = create(podStrategy, minimal).obj;
  const more = structuredClone(stored) as typeof stored & { spec: { containers: unknown[]; tolerations: unknown[] } };
  more.spec.containers.push({ name: 'b', image: 'b' });
  assert.deepEqual(update(podStrategy, more, stored).errs.filter((e) => e.startsWith('spec.containers:')),
    ['spec.containers: Forbidden: pod updates may not add or remove containers']);
  const fewer = structuredClone(stored) as typeof stored & { spec: { tolerations: unknown[] } };
  fewer.spec.tolerations = [];
  assert.ok(update(podStrategy, fewer, stored).errs.includes(
    'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds'));
});

test('pods: main updates keep status; status updates keep spec', () => {
  const stored = create(podStrategy, minimal).obj;
  const next = structuredClone(stored) as Record<string, unknown>;
  next.status = { phase: 'Running' };
  assert.deepEqual(update(podStrategy, next, stored).obj.status, stored.status);
  const st = structuredClone(stored) as unknown as Record<string, unknown> & { spec: { nodeName?: string } };
  st.status = { phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }] };
  st.spec.nodeName = 'sneaky';
  const r = statusUpdate(podStrategy, st, stored);
  assert.deepEqual(r.errs, []);
  assert.equal((r.obj.spec as { nodeName?: string }).nodeName, undefined);
  assert.equal((r.obj.status as { phase: string }).phase, 'Running');
  const bad = structuredClone(st);
  bad.status = { podIPs: [{ ip: 'nope' }] };
  assert.deepEqual(statusUpdate(podStrategy, bad, stored).errs,
    ['status.podIPs[0]: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
});

test('pods: selectable fields', () => {
  const { obj } = create(podStrategy, { ...minimal, spec: { ...minimal.spec, nodeName: 'n1', hostNetwork: true } });
  (obj as Record<string, unknown>).status = { phase: 'Running', podIPs: [{ ip: '10.1.1.1' }] };
  const fields = podStrategy.selectableFields?.(obj) ?? {};
  assert.deepEqual(fields, {
    'spec.nodeName': 'n1', 'spec.restartPolicy': 'Always', 'spec.schedulerName': 'default-scheduler',
    'spec.serviceAccountName': 'default', 'spec.hostNetwork': 'true', 'status.phase': 'Running',
    'status.podIP': '10.1.1.1', 'status.nominatedNodeName': '',
  });
  assert.deepEqual(Object.keys(fields).sort(), [...(podStrategy.fieldSelectorKeys ?? [])].sort());
});

test('pods: QoS classes', () => {
  assert.equal(podQOSClass({ spec: { containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }] } }), 'Burstable');
  assert.equal(podQOSClass({ spec: { containers: [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } } }] } }), 'Guaranteed');
});
