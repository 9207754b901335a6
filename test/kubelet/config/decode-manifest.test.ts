/** A manifest to a static pod: the API's defaults, the kubelet's static pod defaults, a stable hash, and clear errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIG_HASH_ANNOTATION, decodeManifest } from '../../../src/kubelet/index.js';

const YAML = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: { app: web }
spec:
  containers:
  - name: c
    image: busybox:1
    command: [sleep, "3600"]
`;
const file = { nodeName: 'node1', kind: 'file' as const, source: '/etc/manifests/web.yaml' };

test('a file manifest gets the name-node name, default namespace, nodeName, hash annotation, NoExecute toleration and API defaults', () => {
  const [pod] = decodeManifest(YAML, file);
  assert.equal(pod?.metadata?.name, 'web-node1');
  assert.equal(pod?.metadata?.namespace, 'default');
  assert.match(pod?.metadata?.uid ?? '', /^[0-9a-f]{32}$/);
  assert.equal(pod?.metadata?.annotations?.[CONFIG_HASH_ANNOTATION], pod?.metadata?.uid);
  assert.equal(pod?.spec?.nodeName, 'node1');
  assert.deepEqual(pod?.spec?.tolerations, [{ operator: 'Exists', effect: 'NoExecute' }]);
  assert.equal(pod?.spec?.restartPolicy, 'Always');
  assert.equal(pod?.spec?.containers[0]?.terminationMessagePath, '/dev/termination-log');
  assert.equal(pod?.spec?.containers[0]?.imagePullPolicy, 'IfNotPresent');
  assert.equal(pod?.spec?.serviceAccountName, undefined, 'no service account: a mirror pod may not name one');
  assert.equal(pod?.status?.phase, 'Pending');
});

test('the uid is stable for the same manifest (JSON or YAML, any key order) and changes with content, path or node', () => {
  const uid = (data: string, o = file): string => decodeManifest(data, o)[0]!.metadata!.uid!;
  const json = JSON.stringify({ spec: { containers: [{ command: ['sleep', '3600'], image: 'busybox:1', name: 'c' }] }, metadata: { labels: { app: 'web' }, name: 'web' }, kind: 'Pod', apiVersion: 'v1' });
  assert.equal(uid(YAML), uid(YAML));
  assert.equal(uid(json), uid(YAML));
  assert.notEqual(uid(YAML.replace('3600', '3601')), uid(YAML));
  assert.notEqual(uid(YAML, { ...file, source: '/etc/manifests/other.yaml' }), uid(YAML));
  assert.notEqual(uid(YAML, { ...file, nodeName: 'node2' }), uid(YAML));
  assert.equal(uid(YAML.replace('  name: web\n', '  name: web\n  uid: fixed\n')), 'fixed');
});

test('a URL manifest has no toleration added and may be a PodList', () => {
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'a', namespace: 'kube-system' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } }, { metadata: { name: 'b' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } }] });
  const pods = decodeManifest(list, { nodeName: 'n', kind: 'http', source: 'http://h/m', allowList: true });
  assert.deepEqual(pods.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`), ['kube-system/a-n', 'default/b-n']);
  assert.equal(pods[0]?.spec?.tolerations, undefined);
  assert.throws(() => decodeManifest(list, file), /want kind Pod, got "PodList"/);
});

test('bad manifests fail with a message that says what is wrong', () => {
  const bad: Array<[string, RegExp]> = [
    ['a: [b', /not YAML or JSON/],
    ['- a\n- b', /want a v1 Pod object, got a list/],
    ['', /got nothing/],
    ['apiVersion: v1\nkind: Service\nmetadata: {name: s}', /want kind Pod, got "Service"/],
    ['apiVersion: apps/v1\nkind: Pod', /want apiVersion v1/],
    ['apiVersion: v1\nkind: Pod\nspec: {containers: [{name: c, image: x}]}', /name is needed for the pod/],
    ['apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: "nope"}', /cannot unmarshal string into Go struct field PodSpec.spec.containers of type \[\]v1.Container/],
    ['apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}', /invalid pod p-node1: spec.containers/],
    ['apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name}\nspec: {containers: [{name: c, image: x}]}', /metadata.name/],
  ];
  for (const [data, want] of bad) assert.throws(() => decodeManifest(data, file), want, data);
});
