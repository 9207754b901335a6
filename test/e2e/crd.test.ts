/**
 * CustomResourceDefinitions with real kubectl: once Established a CRD's
 * resources are served with its printer columns, validated against its
 * schema (400 for a wrong type, 422 with field causes), pruned, defaulted, scaled through /scale,
 * explained, and deleted with it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../harness/server.js';
import { findKubectl } from '../harness/clients.js';
import { Kubectl } from '../harness/kubectl.js';
import { RawClient } from '../harness/raw-client.js';

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
  metadata: { name: 'crontabs.stable.example.com' },
  spec: {
    group: 'stable.example.com', scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'], categories: ['all'] },
    versions: [{
      name: 'v1', served: true, storage: true,
      schema: { openAPIV3Schema: {
        type: 'object', description: 'A CronTab runs a command on a schedule.',
        properties: {
          spec: { type: 'object', description: 'The desired state of the CronTab.', required: ['cronSpec'], properties: {
            cronSpec: { type: 'string', description: 'The cron schedule, in cron syntax.' },
            image: { type: 'string' },
            replicas: { type: 'integer', minimum: 1, default: 1 },
          } },
          status: { type: 'object', properties: { replicas: { type: 'integer' } } },
        },
      } },
      subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
      additionalPrinterColumns: [
        { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
        { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
    }],
  },
};

for (const minor of [33, 35]) {
  const bin = findKubectl(minor);
  describe(`CRDs with kubectl 1.${minor}`, { skip: bin.path ? false : `kubectl 1.${minor} unavailable: ${bin.reason}` }, () => {
    let server: RunningServer;
    let k: Kubectl;
    before(async () => {
      server = await startServer();
      k = new Kubectl(bin.path!, server.kubeconfig);
    });
    after(async () => { await server?.stop(); });

    test('a CRD is Established and its resources are served', () => {
      k.ok(['apply', '-f', '-'], { input: JSON.stringify(CRD) });
      k.ok(['wait', '--for', 'condition=Established', 'crd/crontabs.stable.example.com', '--timeout=20s']);
      assert.match(k.ok(['api-resources', '--api-group=stable.example.com']), /^crontabs\s+ct\s+stable\.example\.com\/v1\s+true\s+CronTab/m);
    });

    test('printer columns, defaults and pruning', () => {
      const cr = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'tick' }, spec: { cronSpec: '*/5 * * * *', image: 'busybox', extra: 'x' } };
      const r = k.run(['apply', '--validate=warn', '-f', '-'], { input: JSON.stringify(cr) });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /unknown field "spec.extra"/);
      const table = k.ok(['get', 'ct']);
      assert.match(table, /^NAME\s+SPEC\s+REPLICAS\s+AGE$/m);
      assert.match(table, /^tick\s+\*\/5 \* \* \* \*\s+1\s+\d+s$/m);
      const spec = JSON.parse(k.ok(['get', 'crontab', 'tick', '-o', 'jsonpath={.spec}'])) as Record<string, unknown>;
      assert.deepEqual(spec, { cronSpec: '*/5 * * * *', image: 'busybox', replicas: 1 });
      assert.match(k.ok(['get', 'all']), /crontab\.stable\.example\.com\/tick/);
    });

    test('an invalid custom resource is refused with 422 and field causes; a wrong type with 400 before that', async () => {
      const r = k.run(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'bad' }, spec: { replicas: -1 } }) });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /The CronTab "bad" is invalid/);
      assert.match(r.stderr, /spec\.replicas: Invalid value: -1: spec\.replicas in body should be greater than or equal to 1/);
      assert.match(r.stderr, /spec\.cronSpec: Required value/);
      // Upstream finds a wrong type in validation (422); k8ts refuses it before defaulting, as built-in kinds are.
      const typed = k.run(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'bad' }, spec: { replicas: 'many' } }) });
      assert.notEqual(typed.status, 0);
      assert.match(typed.stderr, /Error from server \(BadRequest\): .*CronTab in version "v1" cannot be handled as a CronTab: json: cannot unmarshal string into Go struct field CronTab\.spec\.replicas of type int64/);
      const api = new RawClient(server.kubeconfig);
      const raw = await api.json<{ code: number; reason: string; details: { causes: { field: string; reason: string }[] } }>('POST', '/apis/stable.example.com/v1/namespaces/default/crontabs',
        { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'bad' }, spec: { cronSpec: 'x', replicas: 0 } });
      api.close();
      assert.equal(raw.status, 422);
      assert.equal(raw.body.reason, 'Invalid');
      assert.deepEqual(raw.body.details.causes.map((c) => c.field), ['spec.replicas']);
    });

    test('scale goes through the CRD scale subresource; explain shows the schema', () => {
      assert.match(k.ok(['scale', 'crontab', 'tick', '--replicas=3']), /scaled/);
      assert.equal(k.ok(['get', 'crontab', 'tick', '-o', 'jsonpath={.spec.replicas}']), '3');
      const ex = k.ok(['explain', 'crontab.spec']);
      assert.match(ex, /The desired state of the CronTab\./);
      assert.match(ex, /cronSpec\s+<string> -required-/);
    });

    test('an invalid CRD is refused with 422', () => {
      const bad = structuredClone(CRD) as { metadata: { name: string } };
      bad.metadata.name = 'wrong.example.com';
      const r = k.run(['create', '-f', '-'], { input: JSON.stringify(bad) });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /metadata\.name: Invalid value: "wrong\.example\.com": must be spec\.names\.plural\+"\."\+spec\.group/);
    });

    test('deleting the CRD deletes its resources and stops serving them', () => {
      k.ok(['delete', 'crd', 'crontabs.stable.example.com', '--timeout=30s']);
      const r = k.run(['get', 'crontabs.stable.example.com']);
      assert.notEqual(r.status, 0);
    });
  });
}
