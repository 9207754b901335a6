/**
 * The generated definitions: upstream names and shapes, descriptions from the
 * d.ts JSDoc, patch metadata merged in, every served kind present.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getDefinitions, readGeneratedDefinitions, unmatchedPatchMetaEntries } from '../../src/api/openapi/definitions.js';
import { forEachRef } from '../../src/api/openapi/refs.js';
import { refTarget, type Schema } from '../../src/api/openapi/schema.js';
import { BUILTIN_RESOURCES } from '../../src/api/resources.js';

const defs = getDefinitions();
const def = (name: string): Schema => {
  const d = defs[name];
  assert.ok(d, `definition ${name} exists`);
  return d;
};

test('Deployment and its strategy carry the upstream descriptions', () => {
  const deployment = def('io.k8s.api.apps.v1.Deployment');
  assert.equal(deployment.description, 'Deployment enables declarative updates for Pods and ReplicaSets.');
  assert.equal(deployment.type, 'object');
  assert.deepEqual(deployment['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
  assert.deepEqual(deployment.properties?.['kind'], {
    description: deployment.properties?.['kind']?.description, type: 'string',
  }, 'literal kind becomes a plain string');

  const strategy = def('io.k8s.api.apps.v1.DeploymentSpec').properties?.['strategy'];
  assert.equal(strategy?.$ref, '#/definitions/io.k8s.api.apps.v1.DeploymentStrategy');
  assert.equal(strategy?.description, 'The deployment strategy to use to replace existing pods with new ones.');
  assert.deepEqual(def('io.k8s.api.apps.v1.DeploymentSpec').required, ['selector', 'template']);

  const ds = def('io.k8s.api.apps.v1.DeploymentStrategy');
  assert.equal(ds.description, 'DeploymentStrategy describes how to replace existing pods with new ones.');
  const rolling = ds.properties?.['rollingUpdate'];
  assert.equal(rolling?.$ref, '#/definitions/io.k8s.api.apps.v1.RollingUpdateDeployment');
  assert.match(rolling?.description ?? '', /^Rolling update config params/);
  assert.equal(def('io.k8s.api.apps.v1.RollingUpdateDeployment').properties?.['maxSurge']?.$ref,
    '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString');
});

test('PodSpec.containers is a list merged by name (patch metadata merged in)', () => {
  const containers = def('io.k8s.api.core.v1.PodSpec').properties?.['containers'];
  assert.equal(containers?.type, 'array');
  assert.equal(containers?.items?.$ref, '#/definitions/io.k8s.api.core.v1.Container');
  assert.match(containers?.description ?? '', /List of containers belonging to the pod/);
  assert.equal(containers?.['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers?.['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(containers?.['x-kubernetes-list-type'], 'map');
  assert.deepEqual(containers?.['x-kubernetes-list-map-keys'], ['name']);
});

test('patch metadata entries name known definitions and fields', (t) => {
  const unmatched = unmatchedPatchMetaEntries();
  // kubernetes-types is 1.30; entries for fields added later cannot match.
  if (unmatched.length > 0) t.diagnostic(`PATCH_META entries without a 1.30 field: ${unmatched.join(', ')}`);
  assert.ok(unmatched.length < 10, `too many unmatched PATCH_META entries: ${unmatched.join(', ')}`);
});

test('special types have their upstream names and wire types', () => {
  assert.deepEqual(
    { type: def('io.k8s.apimachinery.pkg.api.resource.Quantity').type, format: def('io.k8s.apimachinery.pkg.api.resource.Quantity').format },
    { type: 'string', format: undefined });
  const ios = def('io.k8s.apimachinery.pkg.util.intstr.IntOrString');
  assert.equal(ios.type, 'string');
  assert.equal(ios.format, 'int-or-string');
  for (const t of ['Time', 'MicroTime']) {
    const d = def(`io.k8s.apimachinery.pkg.apis.meta.v1.${t}`);
    assert.equal(d.type, 'string');
    assert.equal(d.format, 'date-time');
  }
  assert.equal(def('io.k8s.apimachinery.pkg.runtime.RawExtension').type, 'object');
  assert.deepEqual(def('io.k8s.apimachinery.pkg.version.Info').required?.includes('gitVersion'), true);
  assert.equal(def('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta').properties?.['labels']?.additionalProperties
    && (def('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta').properties?.['labels']?.additionalProperties as Schema).type, 'string');
  const crd = def('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition');
  assert.deepEqual(crd['x-kubernetes-group-version-kind'], [{ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', version: 'v1' }]);
  const props = def('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps').properties ?? {};
  assert.equal(props['x-kubernetes-preserve-unknown-fields']?.type, 'boolean');
  assert.equal(props['$ref']?.type, 'string', 'a property named $ref is a plain string field');
  assert.equal(props['maximum']?.type, 'number');
  assert.equal(def('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON').type, undefined);
  assert.equal(def('io.k8s.apimachinery.pkg.apis.meta.v1.Status')['x-kubernetes-group-version-kind']?.[0]?.kind, 'Status');
});

test('integers carry upstream formats', () => {
  assert.deepEqual(pick(def('io.k8s.api.apps.v1.DeploymentSpec').properties?.['replicas']), { type: 'integer', format: 'int32' });
  assert.deepEqual(pick(def('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta').properties?.['generation']), { type: 'integer', format: 'int64' });
  assert.deepEqual(pick(def('io.k8s.api.core.v1.PodSpec').properties?.['terminationGracePeriodSeconds']), { type: 'integer', format: 'int64' });
  assert.deepEqual(pick(def('io.k8s.api.certificates.v1.CertificateSigningRequestSpec').properties?.['expirationSeconds']), { type: 'integer', format: 'int32' });
});

function pick(s: Schema | undefined): { type?: string; format?: string } {
  return { type: s?.type, format: s?.format };
}

test('every served kind and its List have a definition with x-kubernetes-group-version-kind', () => {
  const byGvk = new Map<string, string>();
  for (const [name, d] of Object.entries(defs)) {
    for (const g of d['x-kubernetes-group-version-kind'] ?? []) byGvk.set(`${g.group}/${g.version}/${g.kind}`, name);
  }
  for (const r of BUILTIN_RESOURCES) {
    // Create-only kinds (Binding, the reviews) have no List upstream either.
    const createOnly = r.ephemeral || r.kind === 'Binding';
    for (const kind of createOnly ? [r.kind] : [r.kind, `${r.kind}List`]) {
      assert.ok(byGvk.has(`${r.group}/${r.version}/${kind}`), `no definition for ${r.group}/${r.version} ${kind}`);
    }
  }
  assert.equal(byGvk.get('apps/v1/Deployment'), 'io.k8s.api.apps.v1.Deployment');
  assert.equal(byGvk.get('networking.k8s.io/v1/Ingress'), 'io.k8s.api.networking.v1.Ingress');
  assert.equal(byGvk.get('rbac.authorization.k8s.io/v1/Role'), 'io.k8s.api.rbac.v1.Role');
  assert.equal(byGvk.get('/v1/Pod'), 'io.k8s.api.core.v1.Pod');
});

test('every $ref resolves and every definition has a description or type', () => {
  for (const [name, d] of Object.entries(defs)) {
    forEachRef(d, (target, ref) => assert.ok(defs[target], `${name}: dangling ${ref}`));
    assert.ok(d.description !== undefined || d.type !== undefined, `${name} has neither description nor type`);
  }
  assert.equal(refTarget('#/definitions/a.B'), 'a.B');
});

test('the generated file is what the generator produces now (not stale)', async () => {
  const url = new URL('../../../scripts/gen-openapi.mjs', import.meta.url);
  const gen = await import(url.href) as { generateDefinitions: () => { source: string; definitions: Record<string, Schema> } };
  const fresh = gen.generateDefinitions();
  const onDisk = readGeneratedDefinitions();
  assert.equal(onDisk.source, fresh.source);
  assert.deepEqual(Object.keys(onDisk.definitions), Object.keys(fresh.definitions));
  assert.deepEqual(onDisk.definitions, fresh.definitions);
});

test('definitions are frozen', () => {
  assert.ok(Object.isFrozen(defs));
  assert.ok(Object.isFrozen(def('io.k8s.api.core.v1.Pod').properties));
});
