/**
 * The v3 index and documents and the v2 document built over the served
 * resources: what kubectl reads in them, and that every reference resolves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachRef } from '../../src/api/openapi/refs.js';
import { refTarget } from '../../src/api/openapi/schema.js';
import { BUILTIN_RESOURCES, type ResourceDef } from '../../src/api/resources.js';
import { OpenApiService, customDefinitionName, groupVersionKey } from '../../src/apiserver/openapi/index.js';
import type { OpenApiV3Document } from '../../src/apiserver/openapi/index.js';

const service = new OpenApiService(BUILTIN_RESOURCES);

test('the v3 index lists every group-version of BUILTIN_RESOURCES, plus api, apis, each group and version', () => {
  const index = service.v3Index();
  const keys = Object.keys(index.paths);
  for (const r of BUILTIN_RESOURCES) assert.ok(keys.includes(groupVersionKey(r.group, r.version)), `index lacks ${r.group}/${r.version}`);
  for (const k of ['api', 'apis', 'apis/apps', 'apis/networking.k8s.io', 'version', 'api/v1', 'apis/apps/v1', 'apis/autoscaling/v2']) {
    assert.ok(keys.includes(k), `index lacks ${k}`);
  }
  assert.deepEqual(keys, [...keys].sort());
  assert.match(index.paths['apis/apps/v1']?.serverRelativeURL ?? '', /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
});

/** What kubectl's query-param verifier (cli-runtime query_param_verifier_v3.go) decides. */
function supportsQueryParam(doc: OpenApiV3Document, gvk: { group: string; version: string; kind: string }, param: string): boolean | undefined {
  for (const item of Object.values(doc.paths)) {
    const op = item.patch;
    if (!op) continue;
    const g = op['x-kubernetes-group-version-kind'];
    if (!g || g.group !== gvk.group || g.version !== gvk.version || g.kind !== gvk.kind) continue;
    return (op.parameters ?? []).some((p) => p.name === param && p.in === 'query');
  }
  return undefined;
}

test('the deployments PATCH of apps/v1 declares fieldValidation, dryRun, fieldManager and force', () => {
  const doc = service.v3Document('apis/apps/v1');
  assert.ok(doc);
  const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']?.patch;
  assert.ok(patch, 'no PATCH on deployments/{name}');
  assert.equal(patch.operationId, 'patchAppsV1NamespacedDeployment');
  assert.equal(patch['x-kubernetes-action'], 'patch');
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'Deployment', version: 'v1' });
  assert.deepEqual((patch.parameters ?? []).map((p) => `${p.in}:${p.name}`), ['query:dryRun', 'query:fieldManager', 'query:fieldValidation', 'query:force']);
  assert.deepEqual(Object.keys(patch.requestBody?.content ?? {}).sort(), [
    'application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
  assert.equal(supportsQueryParam(doc, { group: 'apps', version: 'v1', kind: 'Deployment' }, 'fieldValidation'), true);
});

test('every patchable kind of every group-version passes kubectl\'s fieldValidation check', () => {
  for (const r of BUILTIN_RESOURCES) {
    if (!r.verbs.includes('patch')) continue;
    const doc = service.v3Document(groupVersionKey(r.group, r.version));
    assert.ok(doc);
    assert.equal(supportsQueryParam(doc, { group: r.group, version: r.version, kind: r.kind }, 'fieldValidation'), true, `${r.group}/${r.version} ${r.kind}`);
  }
});

test('resource paths, actions and operation ids follow upstream', () => {
  const apps = service.v3Document('apis/apps/v1')!;
  const coll = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments'];
  assert.equal(coll?.get?.operationId, 'listAppsV1NamespacedDeployment');
  assert.equal(coll?.get?.['x-kubernetes-action'], 'list');
  assert.ok(coll?.get?.parameters?.some((p) => p.name === 'watch'));
  assert.equal(coll?.post?.operationId, 'createAppsV1NamespacedDeployment');
  assert.equal(coll?.delete?.operationId, 'deleteAppsV1CollectionNamespacedDeployment');
  assert.deepEqual(coll?.parameters?.map((p) => p.name), ['namespace', 'pretty']);
  assert.equal(apps.paths['/apis/apps/v1/deployments']?.get?.operationId, 'listAppsV1DeploymentForAllNamespaces');
  const item = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
  assert.deepEqual(Object.keys(item ?? {}).filter((k) => k !== 'parameters').sort(), ['delete', 'get', 'patch', 'put']);
  assert.equal(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status']?.put?.operationId, 'replaceAppsV1NamespacedDeploymentStatus');
  assert.equal(apps.paths['/apis/apps/v1/']?.get?.operationId, 'getAppsV1APIResources');
  assert.equal(apps.info.title, 'Kubernetes');
  assert.equal(apps.openapi, '3.0.0');

  const core = service.v3Document('api/v1')!;
  assert.equal(core.paths['/api/v1/nodes/{name}']?.patch?.operationId, 'patchCoreV1Node');
  assert.equal(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/log']?.get?.responses['200']?.content?.['text/plain']?.schema.type, 'string');
  assert.equal(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/binding']?.post?.operationId, 'createCoreV1NamespacedPodBinding');
  assert.equal(core.paths['/api/v1/namespaces/{namespace}/bindings']?.post?.operationId, 'createCoreV1NamespacedBinding');
  assert.equal(core.paths['/api/v1/namespaces/{name}/finalize']?.put?.operationId, 'replaceCoreV1NamespaceFinalize');
  assert.equal(core.paths['/api/v1/namespaces/{namespace}/services']?.get?.operationId, 'listCoreV1NamespacedService');

  const rbac = service.v3Document('apis/rbac.authorization.k8s.io/v1')!;
  assert.equal(rbac.paths['/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}']?.patch?.tags[0], 'rbacAuthorization_v1');
  assert.ok(service.v3Document('apis/apps')?.paths['/apis/apps/']?.get);
  assert.equal(service.v3Document('apis/nope/v1'), undefined);
});

test('a v3 document holds exactly the schemas its paths reach, in OpenAPI 3 form', () => {
  const apps = service.v3Document('apis/apps/v1')!;
  const schemas = apps.components.schemas;
  assert.ok(schemas['io.k8s.api.apps.v1.Deployment']);
  assert.ok(schemas['io.k8s.api.core.v1.PodSpec']);
  assert.ok(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Patch']);
  assert.equal(schemas['io.k8s.api.networking.v1.Ingress'], undefined, 'unrelated kinds are left out');
  assert.deepEqual(schemas['io.k8s.api.apps.v1.DeploymentSpec']?.properties?.['strategy']?.allOf, [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy' }]);
  assert.deepEqual(schemas['io.k8s.api.apps.v1.Deployment']?.['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  const text = JSON.stringify(apps);
  assert.ok(!text.includes('#/definitions/'), 'no Swagger 2.0 reference left');
});

test('every $ref in every v3 document and in the v2 document resolves', () => {
  for (const key of service.v3Keys()) {
    const doc = service.v3Document(key)!;
    let refs = 0;
    forEachRef(doc, (target, ref) => {
      refs++;
      assert.ok(ref.startsWith('#/components/schemas/'), `${key}: ${ref}`);
      assert.ok(doc.components.schemas[target], `${key}: dangling ${ref}`);
    });
    assert.ok(refs > 0, `${key} has no references at all`);
  }
  const v2 = service.v2Document();
  assert.equal(v2.swagger, '2.0');
  forEachRef(v2, (target, ref) => {
    assert.ok(ref.startsWith('#/definitions/'), ref);
    assert.ok(v2.definitions[target], `v2: dangling ${ref}`);
  });
  assert.ok(v2.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']?.patch?.parameters?.some((p) => p.name === 'fieldValidation'));
  assert.equal(refTarget(v2.paths['/api/v1/namespaces/{namespace}/pods']?.post?.parameters?.[0]?.schema?.$ref ?? ''), 'io.k8s.api.core.v1.Pod');
});

test('setResources adds custom resources, with a permissive or a given schema, and changes hashes', () => {
  const svc = new OpenApiService(BUILTIN_RESOURCES);
  const before = svc.v3Index();
  const crontab: ResourceDef = {
    group: 'stable.example.com', version: 'v1', kind: 'CronTab', plural: 'crontabs', singular: 'crontab', namespaced: true,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
    storage: { prefix: '/registry/stable.example.com/crontabs/', group: 'stable.example.com', version: 'v1' },
  };
  const name = customDefinitionName('stable.example.com', 'v1', 'CronTab');
  assert.equal(name, 'com.example.stable.v1.CronTab');
  svc.setResources([...BUILTIN_RESOURCES, crontab], {
    [name]: { type: 'object', properties: { spec: { type: 'object', properties: { cronSpec: { type: 'string', description: 'the schedule' } } } } },
  });
  const after = svc.v3Index();
  assert.ok(after.paths['apis/stable.example.com/v1']);
  assert.ok(after.paths['apis/stable.example.com']);
  assert.equal(after.paths['apis/apps/v1']?.serverRelativeURL, before.paths['apis/apps/v1']?.serverRelativeURL, 'unchanged documents keep their hash');
  const doc = svc.v3Document('apis/stable.example.com/v1')!;
  const schema = doc.components.schemas[name];
  assert.equal(schema?.properties?.['spec']?.properties?.['cronSpec']?.description, 'the schedule');
  assert.deepEqual(schema?.['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
  assert.ok(doc.components.schemas[`${name}List`]);
  assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
  const patch = doc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}']?.patch;
  assert.ok(patch?.parameters?.some((p) => p.name === 'fieldValidation'));
  assert.ok(!Object.keys(patch?.requestBody?.content ?? {}).includes('application/strategic-merge-patch+json'), 'no strategic merge for custom resources');
  assert.equal(svc.definitionNameOf({ group: 'stable.example.com', version: 'v1', kind: 'CronTab' }), name);

  svc.setResources([...BUILTIN_RESOURCES, crontab]);
  const permissive = svc.v3Document('apis/stable.example.com/v1')!.components.schemas[name];
  assert.equal(permissive?.['x-kubernetes-preserve-unknown-fields'], true);
  assert.notEqual(svc.v3Index().paths['apis/stable.example.com/v1']?.serverRelativeURL, after.paths['apis/stable.example.com/v1']?.serverRelativeURL);

  svc.setResources(BUILTIN_RESOURCES);
  assert.equal(svc.v3Index().paths['apis/stable.example.com/v1'], undefined);
});
