/**
 * A value of the wrong JSON type is a 400 BadRequest on the wire, with
 * upstream's decode message, on every path a whole object comes in by:
 * create (JSON and YAML), update, status, patches, server-side apply, the
 * scale, binding and eviction subresources, review resources, and custom
 * resources. Unknown fields next to a type error do not change that,
 * whatever fieldValidation says.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type RunningServer } from '../harness/server.js';
import { RawClient, type RawResponse } from '../harness/raw-client.js';
import { eventually } from '../harness/kubectl.js';

let server: RunningServer;
let api: RawClient;
const ns = 'types';
const PODS = `/api/v1/namespaces/${ns}/pods`;
const DEPLOYMENTS = `/apis/apps/v1/namespaces/${ns}/deployments`;

before(async () => {
  server = await startServer({ datastore: 'memory', args: ['--disable-scheduler', '--controllers', 'namespace'] });
  api = new RawClient(server.kubeconfig);
  assert.equal((await api.json('POST', '/api/v1/namespaces', { metadata: { name: ns } })).status, 201);
});
after(async () => { api?.close(); await server?.stop(); });

const pod = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
});
const deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
};

function assertBadRequest(r: RawResponse, message: string): void {
  const body = JSON.parse(r.body) as { kind: string; status: string; reason: string; code: number; message: string };
  assert.deepEqual({ status: r.status, kind: body.kind, state: body.status, reason: body.reason, code: body.code, message: body.message },
    { status: 400, kind: 'Status', state: 'Failure', reason: 'BadRequest', code: 400, message }, r.body);
}

const send = (method: string, path: string, body: unknown, contentType = 'application/json') =>
  api.request(method, path, { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': contentType } });

test('create: the issue\'s pod, in JSON and in YAML, under every fieldValidation', async () => {
  const msg = 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container';
  assertBadRequest(await send('POST', PODS, { ...pod('p'), spec: { containers: 'nope' } }), msg);
  assertBadRequest(await send('POST', PODS, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: nope\n', 'application/yaml'), msg);
  for (const mode of ['Strict', 'Warn', 'Ignore']) {
    assertBadRequest(await send('POST', `${PODS}?fieldValidation=${mode}`, { ...pod('p'), spec: { bogus: 1, containers: 'nope' } }), msg);
  }
  assertBadRequest(await send('POST', DEPLOYMENTS, { ...deployment, spec: { ...deployment.spec, replicas: '3' } }),
    'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  assertBadRequest(await send('POST', PODS, { ...pod('p'), metadata: { name: 'p', labels: { a: 5 } } }),
    'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
  assertBadRequest(await send('POST', PODS, pod('p', { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: '80' }] }] })),
    'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32');
  // A body that is not an object keeps its own 400.
  assertBadRequest(await send('POST', PODS, '"nope"'), 'the body of the request must be an object');
});

test('null list items and map values become zero values, as a typed decode makes them', async () => {
  const r = await send('POST', PODS, { ...pod('nulls'), metadata: { name: 'nulls', labels: { a: null } } });
  assert.equal(r.status, 201, r.body);
  assert.deepEqual((JSON.parse(r.body) as { metadata: { labels: unknown } }).metadata.labels, { a: '' });
  const items = await send('POST', PODS, { ...pod('null-items'), spec: { containers: [null] } });
  assert.equal(items.status, 422, items.body);
});

test('update, status, and every kind of patch', async () => {
  assert.equal((await send('POST', DEPLOYMENTS, deployment)).status, 201);
  const item = `${DEPLOYMENTS}/web`;
  const live = JSON.parse((await api.request('GET', item)).body) as typeof deployment;
  const prefix = 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal ';
  assertBadRequest(await send('PUT', item, { ...live, spec: { ...live.spec, replicas: '3' } }), `${prefix}string into Go struct field DeploymentSpec.spec.replicas of type int32`);
  assertBadRequest(await send('PUT', `${item}/status`, { ...live, status: { replicas: true } }), `${prefix}bool into Go struct field DeploymentStatus.status.replicas of type int32`);
  assertBadRequest(await send('PATCH', item, { spec: { replicas: '3' } }, 'application/merge-patch+json'), `${prefix}string into Go struct field DeploymentSpec.spec.replicas of type int32`);
  assertBadRequest(await send('PATCH', item, { spec: { template: { spec: { containers: 'nope' } } } }, 'application/strategic-merge-patch+json'),
    `${prefix}string into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container`);
  assertBadRequest(await send('PATCH', item, [{ op: 'add', path: '/spec/paused', value: 'yes' }], 'application/json-patch+json'),
    `${prefix}string into Go struct field DeploymentSpec.spec.paused of type bool`);
  assertBadRequest(await send('PATCH', `${item}/status`, { status: { conditions: {} } }, 'application/merge-patch+json'),
    `${prefix}object into Go struct field DeploymentStatus.status.conditions of type []v1.DeploymentCondition`);
  const apply = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: three\n';
  assertBadRequest(await send('PATCH', `${item}?fieldManager=test`, apply, 'application/apply-patch+yaml'), `${prefix}string into Go struct field DeploymentSpec.spec.replicas of type int32`);
  const unchanged = JSON.parse((await api.request('GET', item)).body) as typeof deployment;
  assert.equal(unchanged.spec.replicas, 1);
});

test('scale, binding, eviction and review bodies', async () => {
  const scale = `${DEPLOYMENTS}/web/scale`;
  const s = JSON.parse((await api.request('GET', scale)).body) as Record<string, unknown>;
  const msg = 'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal string into Go struct field ScaleSpec.spec.replicas of type int32';
  assertBadRequest(await send('PUT', scale, { ...s, spec: { replicas: '3' } }), msg);
  assertBadRequest(await send('PATCH', scale, { spec: { replicas: '3' } }, 'application/merge-patch+json'), msg);
  assert.equal((await send('POST', PODS, pod('bound'))).status, 201);
  assertBadRequest(await send('POST', `${PODS}/bound/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: 'node-1' }),
    'Binding in version "v1" cannot be handled as a Binding: json: cannot unmarshal string into Go struct field Binding.target of type v1.ObjectReference');
  assertBadRequest(await send('POST', `${PODS}/bound/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'bound' }, deleteOptions: { gracePeriodSeconds: 'soon' } }),
    'Eviction in version "v1" cannot be handled as a Eviction: json: cannot unmarshal string into Go struct field DeleteOptions.deleteOptions.gracePeriodSeconds of type int64');
  assert.equal((await api.request('GET', `${PODS}/bound`)).status, 200);
  assertBadRequest(await send('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { spec: { resourceAttributes: { verb: 5 } } }),
    'SelfSubjectAccessReview in version "v1" cannot be handled as a SelfSubjectAccessReview: json: cannot unmarshal number into Go struct field ResourceAttributes.spec.resourceAttributes.verb of type string');
});

test('custom resources are checked against their schema before defaulting', async () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
      versions: [{
        name: 'v1', served: true, storage: true, subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', properties: {
          spec: { type: 'object', properties: { replicas: { type: 'integer', default: 1 }, tags: { type: 'array', items: { type: 'string' } } } },
          status: { type: 'object', properties: { ready: { type: 'boolean' } } },
        } } },
      }],
    },
  };
  assert.equal((await send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status, 201);
  const widgets = `/apis/example.com/v1/namespaces/${ns}/widgets`;
  await eventually(async () => (await api.request('GET', widgets)).status === 200, 20000);
  const prefix = 'Widget in version "v1" cannot be handled as a Widget: json: cannot unmarshal ';
  const w = (spec: unknown, metadata: unknown = { name: 'w' }) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata, spec });
  assertBadRequest(await send('POST', widgets, w({ replicas: 'x' })), `${prefix}string into Go struct field Widget.spec.replicas of type int64`);
  assertBadRequest(await send('POST', widgets, w({ tags: [1] })), `${prefix}number into Go struct field Widget.spec.tags of type string`);
  assertBadRequest(await send('POST', widgets, w({}, { name: 'w', labels: { a: 1 } })), `${prefix}number into Go struct field ObjectMeta.metadata.labels of type string`);
  const made = await send('POST', widgets, w({}));
  assert.equal(made.status, 201, made.body);
  assert.deepEqual((JSON.parse(made.body) as { spec: unknown }).spec, { replicas: 1 });
  assertBadRequest(await send('PATCH', `${widgets}/w`, { spec: { replicas: 1.5 } }, 'application/merge-patch+json'), `${prefix}number 1.5 into Go struct field Widget.spec.replicas of type int64`);
  assertBadRequest(await send('PATCH', `${widgets}/w/status`, { status: { ready: 'yes' } }, 'application/merge-patch+json'), `${prefix}string into Go struct field Widget.status.ready of type bool`);
});
