/** makeEnvironmentVariables: envFrom, valueFrom, $(VAR) order, service variables and upstream's error messages. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Container, Pod, Secret, Service } from 'kubernetes-types/core/v1.js';
import { ContainerConfigError, makeEnvironmentVariables, type EnvContext } from '../../../src/kubelet/index.js';
import type { PodObjects } from '../../../src/kubelet/pod-objects.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function objects(cms: ConfigMap[], secrets: Secret[], services: Service[] = []): PodObjects & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    configMap: async (ns, name) => { reads.push(`cm ${ns}/${name}`); return cms.find((c) => c.metadata?.namespace === ns && c.metadata?.name === name); },
    secret: async (ns, name) => { reads.push(`secret ${ns}/${name}`); return secrets.find((c) => c.metadata?.namespace === ns && c.metadata?.name === name); },
    services: async (ns) => services.filter((s) => s.metadata?.namespace === ns),
  };
}

const pod = (c: Container, extra: Partial<Pod['spec']> = {}): Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u1', labels: { app: 'a' } },
  spec: { nodeName: 'n1', serviceAccountName: 'sa', containers: [c], ...extra },
});

function ctx(o: PodObjects, warnings: string[] = []): EnvContext {
  return { podObjects: o, podIPs: ['10.0.0.5'], hostIPs: ['192.168.1.2'], allocatable: { cpu: 2000, memory: 8 << 30 }, warn: (r, m) => warnings.push(`${r}: ${m}`) };
}

const CM: ConfigMap = { metadata: { name: 'cfg', namespace: 'ns' }, data: { mode: 'fast', 'bad key': 'x', LEVEL: '3' } };
const SECRET: Secret = { metadata: { name: 'sec', namespace: 'ns' }, data: { password: b64('s3cret'), '1st': b64('no') } };

test('envFrom, then env in order with $(VAR) against what came before; valueFrom values are not expanded', async () => {
  const warnings: string[] = [];
  const o = objects([CM], [SECRET]);
  const c: Container = {
    name: 'app',
    envFrom: [{ configMapRef: { name: 'cfg' } }, { secretRef: { name: 'sec' }, prefix: 'S_' }],
    env: [
      { name: 'A', value: 'mode=$(mode) later=$(B) $$(mode)' },
      { name: 'B', value: 'b' },
      { name: 'PASS', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
      { name: 'REF', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'LEVEL' } } },
      { name: 'LEVEL', value: 'override' },
      { name: 'RAW', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } },
      { name: 'EMPTY', value: '' },
    ],
  };
  const env = await makeEnvironmentVariables(pod(c), c, ctx(o, warnings));
  assert.deepEqual(env, [
    { key: 'mode', value: 'fast' }, { key: 'LEVEL', value: 'override' },
    { key: 'S_password', value: 's3cret' }, { key: 'S_1st', value: 'no' },
    { key: 'A', value: 'mode=fast later=$(B) $(mode)' }, { key: 'B', value: 'b' },
    { key: 'PASS', value: 's3cret' }, { key: 'REF', value: '3' }, { key: 'RAW', value: 'fast' }, { key: 'EMPTY', value: '' },
  ]);
  assert.deepEqual(warnings, ['InvalidEnvironmentVariableNames: Keys [bad key] from the EnvFrom configMap ns/cfg were skipped since they are considered invalid environment variable names.']);
  assert.equal(o.reads.filter((r) => r === 'cm ns/cfg').length, 1, 'one read per object and container');
});

test('a missing ConfigMap, Secret or key is a ContainerConfigError with upstream\'s message; optional ones are skipped', async () => {
  const o = objects([CM], [SECRET]);
  const cases: Array<[Container['env'] | undefined, Container['envFrom'] | undefined, string]> = [
    [[{ name: 'X', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k' } } }], undefined, 'configmap "gone" not found'],
    [[{ name: 'X', valueFrom: { secretKeyRef: { name: 'gone', key: 'k' } } }], undefined, 'secret "gone" not found'],
    [[{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }], undefined, 'couldn\'t find key k in ConfigMap ns/cfg'],
    [[{ name: 'X', valueFrom: { secretKeyRef: { name: 'sec', key: 'k' } } }], undefined, 'couldn\'t find key k in Secret ns/sec'],
    [undefined, [{ secretRef: { name: 'gone' } }], 'secret "gone" not found'],
    [[{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.nope' } } }], undefined, 'unsupported fieldPath: spec.nope'],
  ];
  for (const [env, envFrom, message] of cases) {
    const c: Container = { name: 'app', ...(env ? { env } : {}), ...(envFrom ? { envFrom } : {}) };
    await assert.rejects(makeEnvironmentVariables(pod(c), c, ctx(o)), (e: unknown) => e instanceof ContainerConfigError && e.message === message, message);
  }
  const c: Container = {
    name: 'app',
    envFrom: [{ configMapRef: { name: 'gone', optional: true } }],
    env: [
      { name: 'X', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k', optional: true } } },
      { name: 'Y', valueFrom: { secretKeyRef: { name: 'sec', key: 'nokey', optional: true } } },
      { name: 'Z', value: 'z' },
    ],
  };
  assert.deepEqual(await makeEnvironmentVariables(pod(c), c, ctx(o)), [{ key: 'Z', value: 'z' }]);
});

test('downward API env: pod fields from the sandbox and node, resources with the allocatable fallback', async () => {
  const c: Container = {
    name: 'app',
    resources: { limits: { memory: '64Mi' }, requests: { cpu: '250m' } },
    env: [
      { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'LABEL', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
      { name: 'MEM_ZERO', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '0' } } },
      { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'CPU_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
      { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'OTHER', valueFrom: { resourceFieldRef: { containerName: 'side', resource: 'limits.memory' } } },
    ],
  };
  const p = pod(c, { initContainers: [{ name: 'side', resources: { limits: { memory: '1Gi' } } }] });
  const env = Object.fromEntries((await makeEnvironmentVariables(p, c, ctx(objects([], [])))).map((e) => [e.key, e.value]));
  assert.deepEqual(env, {
    NAME: 'p', IP: '10.0.0.5', HOST: '192.168.1.2', LABEL: 'a', MEM: String(64 << 20), MEM_ZERO: String(64 << 20), MEM_MI: '64', CPU_REQ: '250', CPU_LIMIT: '2', OTHER: String(1 << 30),
  });
});
