/**
 * The API server driven by real kubectl, as a user drives it: each supported
 * client version runs the same walk through the verbs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../harness/server.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl, eventually } from '../harness/kubectl.js';

/** A ConfigMap manifest (generators such as `create configmap` send protobuf from 1.32 on: issue 3). */
const configMap = (name: string, data: Record<string, string>): string =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

const DEPLOYMENT = (name: string, env: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}, tier: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        env:
${env}
`;

for (const minor of [27, 35]) {
  const bin = findKubectl(minor);
  describe(`kubectl 1.${minor}`, { skip: bin.path ? false : `kubectl 1.${minor} unavailable: ${bin.reason}` }, () => {
    let server: RunningServer;
    let k: Kubectl;
    const ns = `e2e-${minor}`;
    const dir = mkdtempSync(join(tmpdir(), 'kubectl-e2e-'));

    before(async () => {
      server = await startServer({ args: ['--controllers', 'namespace,garbagecollector'] });
      k = new Kubectl(bin.path!, server.kubeconfig);
      k.ok(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }) });
    });
    after(async () => { await server?.stop(); });

    test('the four system namespaces exist', () => {
      const out = k.ok(['get', 'ns', '-o', 'name']);
      for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(out, new RegExp(`namespace/${n}\\b`));
    });

    test('api-resources lists the built-in kinds with short names', () => {
      const out = k.ok(['api-resources']);
      assert.match(out, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/m);
      assert.match(out, /^pods\s+po\s+v1\s+true\s+Pod/m);
      assert.match(out, /^namespaces\s+ns\s+v1\s+false\s+Namespace/m);
      assert.match(out, /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true/m);
    });

    test('create -f, then apply -f to create, change and re-apply', () => {
      const cm = join(dir, 'cm.yaml');
      writeFileSync(cm, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, labels: {app: demo}}\ndata: {a: "1"}\n`);
      assert.match(k.ok(['-n', ns, 'create', '-f', cm]), /configmap\/settings created/);
      assert.equal(k.run(['-n', ns, 'create', '-f', cm]).stderr.includes('AlreadyExists'), true);

      const f = join(dir, 'web.yaml');
      writeFileSync(f, DEPLOYMENT('web', '        - {name: A, value: "1"}\n        - {name: B, value: "2"}'));
      assert.match(k.ok(['-n', ns, 'apply', '-f', f]), /deployment.apps\/web created/);
      writeFileSync(f, DEPLOYMENT('web', '        - {name: A, value: "1"}\n        - {name: C, value: "3"}'));
      assert.match(k.ok(['-n', ns, 'apply', '-f', f]), /deployment.apps\/web configured/);
      const env = JSON.parse(k.ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].env}'])) as { name: string; value: string }[];
      assert.deepEqual(env, [{ name: 'A', value: '1' }, { name: 'C', value: '3' }]);
      assert.match(k.ok(['-n', ns, 'apply', '-f', f]), /deployment.apps\/web unchanged/);
    });

    test('defaults match upstream in get -o yaml', () => {
      const d = JSON.parse(k.ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'json'])) as {
        metadata: { generation: number; uid: string; annotations: Record<string, string> };
        spec: { strategy: unknown; revisionHistoryLimit: number; progressDeadlineSeconds: number; template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } } };
      };
      assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
      assert.equal(d.spec.revisionHistoryLimit, 10);
      assert.equal(d.spec.progressDeadlineSeconds, 600);
      assert.equal(d.spec.template.spec.restartPolicy, 'Always');
      assert.equal(d.spec.template.spec.dnsPolicy, 'ClusterFirst');
      assert.equal(d.spec.template.spec.terminationGracePeriodSeconds, 30);
      assert.equal(d.spec.template.spec.schedulerName, 'default-scheduler');
      assert.equal(d.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
      assert.equal(d.spec.template.spec.containers[0].terminationMessagePath, '/dev/termination-log');
      assert.equal(d.metadata.generation, 2);
      assert.ok(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    });

    test('get as table, wide, name, jsonpath, -A, -l, --field-selector, --show-labels, --chunk-size', () => {
      const table = k.ok(['-n', ns, 'get', 'deploy']);
      assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
      assert.match(table, /^web\s+0\/2\s+0\s+0\s+\d+s$/m);
      const wide = k.ok(['-n', ns, 'get', 'deploy', '-o', 'wide']);
      assert.match(wide, /CONTAINERS\s+IMAGES\s+SELECTOR/);
      assert.match(wide, /nginx:1\.27\s+app=web/);
      assert.equal(k.ok(['-n', ns, 'get', 'deploy', '-o', 'name']).trim(), 'deployment.apps/web');
      assert.equal(k.ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}']), '2');
      const yaml = k.ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'yaml']);
      assert.match(yaml, /^kind: Deployment$/m);
      const all = k.ok(['get', 'cm', '-A']);
      assert.match(all, /^NAMESPACE\s+NAME\s+DATA\s+AGE$/m);
      assert.match(all, new RegExp(`^${ns}\\s+settings\\s+1\\s+`, 'm'));
      assert.match(k.ok(['get', 'cm', '-A', '-l', 'app=demo', '-o', 'name']), /configmap\/settings/);
      assert.equal(k.ok(['get', 'cm', '-A', '-l', 'app=nothing', '-o', 'name']).trim(), '');
      assert.equal(k.ok(['-n', ns, 'get', 'cm', '--field-selector', 'metadata.name=settings', '-o', 'name']).trim(), 'configmap/settings');
      assert.match(k.ok(['-n', ns, 'get', 'cm', 'settings', '--show-labels']), /app=demo/);
      for (let i = 0; i < 7; i++) k.ok(['-n', ns, 'create', '-f', '-'], { input: configMap(`chunk-${i}`, { k: 'v' }) });
      const chunked = k.ok(['-n', ns, 'get', 'cm', '--chunk-size', '2', '-o', 'name']).trim().split('\n');
      assert.equal(chunked.filter((l) => l.startsWith('configmap/chunk-')).length, 7);
      const bad = k.run(['-n', ns, 'get', 'cm', '--field-selector', 'spec.nope=1']);
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /field label not supported: spec\.nope/);
    });

    test('get -w receives ADDED and MODIFIED', async () => {
      const w = k.start(['-n', ns, 'get', 'cm', '-w', '--output-watch-events']);
      try {
        await new Promise((r) => setTimeout(r, 500));
        k.ok(['-n', ns, 'create', '-f', '-'], { input: configMap('watched', { x: '1' }) });
        await eventually(() => /^ADDED\s+watched\s+1\s/m.test(w.output()), 10_000, 'ADDED');
        k.ok(['-n', ns, 'label', 'cm', 'watched', 'seen=yes']);
        await eventually(() => /^MODIFIED\s+watched\s+1\s/m.test(w.output()), 10_000, 'MODIFIED');
      } finally {
        await w.stop();
      }
      assert.match(w.output(), /^EVENT\s+NAME\s+DATA\s+AGE$/m);
    });

    test('describe', () => {
      const out = k.ok(['-n', ns, 'describe', 'deploy', 'web']);
      assert.match(out, /^Name:\s+web$/m);
      assert.match(out, /^Replicas:\s+2 desired/m);
      assert.match(out, /StrategyType:\s+RollingUpdate/);
    });

    test('edit with a non-interactive editor', () => {
      const editor = join(dir, 'editor.sh');
      writeFileSync(editor, '#!/bin/sh\nsed -i \'s/^  a: "1"$/  a: "edited"/\' "$1"\n');
      chmodSync(editor, 0o755);
      assert.match(k.ok(['-n', ns, 'edit', 'cm', 'settings'], { env: { KUBE_EDITOR: editor, EDITOR: editor } }), /configmap\/settings edited/);
      assert.equal(k.ok(['-n', ns, 'get', 'cm', 'settings', '-o', 'jsonpath={.data.a}']), 'edited');
    });

    test('label and annotate', () => {
      k.ok(['-n', ns, 'label', 'deploy', 'web', 'team=blue']);
      k.ok(['-n', ns, 'annotate', 'deploy', 'web', 'owner=alice']);
      assert.equal(k.ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.metadata.labels.team}/{.metadata.annotations.owner}']), 'blue/alice');
      k.ok(['-n', ns, 'label', 'deploy', 'web', 'team-']);
      assert.equal(k.ok(['-n', ns, 'get', 'deploy', '-l', 'team', '-o', 'name']).trim(), '');
    });

    test('patch --type strategic, merge and json', () => {
      k.ok(['-n', ns, 'patch', 'deploy', 'web', '--type', 'strategic', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"D","value":"4"}]}]}}}}']);
      const env = k.ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].env[*].name}']);
      assert.equal(env, 'D A C');
      k.ok(['-n', ns, 'patch', 'deploy', 'web', '--type', 'merge', '-p', '{"spec":{"replicas":3}}']);
      k.ok(['-n', ns, 'patch', 'deploy', 'web', '--type', 'json', '-p', '[{"op":"add","path":"/spec/minReadySeconds","value":5}]']);
      assert.equal(k.ok(['-n', ns, 'get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}/{.spec.minReadySeconds}']), '3/5');
      const bad = k.run(['-n', ns, 'patch', 'deploy', 'web', '--type', 'json', '-p', '[{"op":"test","path":"/spec/replicas","value":9}]']);
      assert.notEqual(bad.status, 0);
    });

    test('replace, and a 409 for a stale update', () => {
      const cur = k.ok(['-n', ns, 'get', 'cm', 'settings', '-o', 'json']);
      const obj = JSON.parse(cur) as { data: Record<string, string>; metadata: { resourceVersion: string } };
      obj.data.b = '2';
      const f = join(dir, 'replace.json');
      writeFileSync(f, JSON.stringify(obj));
      assert.match(k.ok(['-n', ns, 'replace', '-f', f]), /configmap\/settings replaced/);
      const stale = k.run(['-n', ns, 'replace', '-f', f]);
      assert.notEqual(stale.status, 0);
      assert.match(stale.stderr, /Error from server \(Conflict\): .*Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again/);
    });

    test('a 422 with field causes for an invalid Deployment', () => {
      const f = join(dir, 'bad.yaml');
      writeFileSync(f, `apiVersion: apps/v1
kind: Deployment
metadata: {name: bad}
spec:
  replicas: -1
  selector: {matchLabels: {app: one}}
  template:
    metadata: {labels: {app: two}}
    spec: {containers: [{name: app, image: nginx}]}
`);
      const r = k.run(['-n', ns, 'create', '-f', f]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /The Deployment "bad" is invalid/);
      assert.match(r.stderr, /spec.replicas: Invalid value: -1: must be greater than or equal to 0/);
      assert.match(r.stderr, /spec.template.metadata.labels: Invalid value: .*`selector` does not match template `labels`/);
    });

    test('create --dry-run=server stores nothing', () => {
      assert.match(k.ok(['-n', ns, 'create', '-f', '-', '--dry-run=server'], { input: configMap('dry', { a: 'b' }) }), /configmap\/dry created \(server dry run\)/);
      assert.notEqual(k.run(['-n', ns, 'get', 'cm', 'dry']).status, 0);
    });

    test('explain deployment.spec.strategy prints the real description', () => {
      const out = k.ok(['explain', 'deployment.spec.strategy']);
      assert.match(out, /DeploymentStrategy describes how to replace existing pods with new ones/);
      assert.match(out, /rollingUpdate/);
    });

    test('delete by name, by label and --all', () => {
      assert.match(k.ok(['-n', ns, 'delete', 'cm', 'chunk-0']), /configmap "chunk-0" deleted/);
      k.ok(['-n', ns, 'label', 'cm', 'chunk-1', 'chunk-2', 'doomed=yes']);
      const byLabel = k.ok(['-n', ns, 'delete', 'cm', '-l', 'doomed=yes']);
      assert.match(byLabel, /configmap "chunk-1" deleted/);
      assert.match(byLabel, /configmap "chunk-2" deleted/);
      k.ok(['-n', ns, 'delete', 'cm', '--all']);
      assert.equal(k.ok(['-n', ns, 'get', 'cm', '-o', 'name']).trim(), '');
      k.ok(['-n', ns, 'delete', 'deploy', 'web']);
      assert.notEqual(k.run(['-n', ns, 'get', 'deploy', 'web']).status, 0);
    });

    test('delete namespace empties it and removes it', () => {
      const gone = `${ns}-gone`;
      k.ok(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: gone } }) });
      k.ok(['-n', gone, 'create', '-f', '-'], { input: configMap('inside', { a: '1' }) });
      k.ok(['-n', gone, 'create', '-f', '-'], { input: DEPLOYMENT('inner', '        - {name: A, value: "1"}') });
      assert.match(k.ok(['delete', 'namespace', gone, '--timeout=30s']), new RegExp(`namespace "${gone}" deleted`));
      const r = k.run(['get', 'namespace', gone]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /NotFound/);
    });

    test('401 without a client certificate', () => {
      const kc = join(dir, 'anon.yaml');
      writeFileSync(kc, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:${server.port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: not-a-valid-token}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`);
      const r = new Kubectl(bin.path!, kc).run(['get', 'ns']);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /Unauthorized|must be logged in/);
    });
  });
}
