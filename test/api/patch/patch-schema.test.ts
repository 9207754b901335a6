import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { schemaFromDefinitions } from '../../../src/api/patch/patch-schema.js';
import { PATCH_META } from '../../../src/api/patch/patch-meta.js';
import { deploymentSchema } from './fixtures.js';

const core = 'io.k8s.api.core.v1';

describe('schemaFromDefinitions', () => {
  it('follows $ref, arrays and additionalProperties', () => {
    assert.deepEqual(deploymentSchema.fieldType('io.k8s.api.apps.v1.Deployment', 'spec'),
      { kind: 'object', def: 'io.k8s.api.apps.v1.DeploymentSpec' });
    assert.deepEqual(deploymentSchema.fieldType(`${core}.PodSpec`, 'containers'), { kind: 'list', def: `${core}.Container` });
    assert.deepEqual(deploymentSchema.fieldType(`${core}.Container`, 'args'), { kind: 'list' });
    assert.deepEqual(deploymentSchema.fieldType(`${core}.PodSpec`, 'nodeSelector'), { kind: 'map' });
    assert.deepEqual(deploymentSchema.fieldType(`${core}.Container`, 'image'), { kind: 'scalar' });
    assert.equal(deploymentSchema.fieldType(`${core}.Container`, 'nope'), undefined);
    assert.equal(deploymentSchema.fieldType('no.such.Def', 'x'), undefined);
  });

  it('names inline objects so they can be navigated', () => {
    const t = deploymentSchema.fieldType(`${core}.Volume`, 'configMap');
    assert.deepEqual(t, { kind: 'object', def: `${core}.Volume/configMap` });
    assert.deepEqual(deploymentSchema.fieldType(`${core}.Volume/configMap`, 'name'), { kind: 'scalar' });
  });

  it('unwraps OpenAPI v3 allOf refs and map values with a $ref', () => {
    const s = schemaFromDefinitions({
      A: { type: 'object', properties: {
        b: { allOf: [{ $ref: '#/components/schemas/B' }] },
        m: { type: 'object', additionalProperties: { $ref: '#/components/schemas/B' } },
        n: { type: ['array', 'null'], items: { type: 'string' } },
      } },
      B: { type: 'object', properties: { x: { type: 'string' } } },
    }, 'A');
    assert.deepEqual(s.fieldType('A', 'b'), { kind: 'object', def: 'B' });
    assert.deepEqual(s.fieldType('A', 'm'), { kind: 'map', def: 'B' });
    assert.deepEqual(s.fieldType('A', 'n'), { kind: 'list' });
  });

  it('reads metadata from the table first, then from x-kubernetes extensions', () => {
    assert.deepEqual(deploymentSchema.fieldMeta(`${core}.PodSpec`, 'containers'), PATCH_META[`${core}.PodSpec`].containers);
    const s = schemaFromDefinitions({
      A: { type: 'object', properties: { l: { type: 'array', items: { type: 'object' },
        'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'k',
        'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'] } } },
    }, 'A', {});
    assert.deepEqual(s.fieldMeta('A', 'l'), { patchStrategy: 'merge', patchMergeKey: 'k', listType: 'map', listMapKeys: ['k'] });
    assert.equal(s.fieldMeta('A', 'missing'), undefined);
  });
});

describe('PATCH_META (k8s.io/api struct tags)', () => {
  const m = (def: string, field: string) => PATCH_META[def]?.[field];

  it('pod spec lists', () => {
    assert.deepEqual(m(`${core}.PodSpec`, 'containers'), { patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] });
    assert.equal(m(`${core}.PodSpec`, 'volumes')?.patchStrategy, 'merge,retainKeys');
    assert.equal(m(`${core}.PodSpec`, 'hostAliases')?.patchMergeKey, 'ip');
    assert.deepEqual(m(`${core}.PodSpec`, 'topologySpreadConstraints')?.listMapKeys, ['topologyKey', 'whenUnsatisfiable']);
    assert.deepEqual(m(`${core}.PodSpec`, 'tolerations'), { listType: 'atomic' });
    assert.equal(m(`${core}.PodSpec`, 'schedulingGates')?.patchMergeKey, 'name');
  });

  it('container lists, shared by EphemeralContainer', () => {
    for (const def of [`${core}.Container`, `${core}.EphemeralContainer`]) {
      assert.equal(m(def, 'env')?.patchMergeKey, 'name');
      assert.deepEqual(m(def, 'ports'), { patchStrategy: 'merge', patchMergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] });
      assert.equal(m(def, 'volumeMounts')?.patchMergeKey, 'mountPath');
      assert.equal(m(def, 'volumeDevices')?.patchMergeKey, 'devicePath');
      assert.deepEqual(m(def, 'resizePolicy'), { listType: 'atomic' });
    }
  });

  it('metadata, services, nodes, workloads', () => {
    const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
    assert.deepEqual(m(meta, 'finalizers'), { patchStrategy: 'merge', listType: 'set' });
    assert.equal(m(meta, 'ownerReferences')?.patchMergeKey, 'uid');
    assert.deepEqual(m(`${core}.ServiceSpec`, 'ports')?.listMapKeys, ['port', 'protocol']);
    assert.equal(m(`${core}.NodeStatus`, 'addresses')?.patchMergeKey, 'type');
    assert.equal(m(`${core}.ServiceAccount`, 'secrets')?.patchMergeKey, 'name');
    assert.equal(m('io.k8s.api.apps.v1.DeploymentSpec', 'strategy')?.patchStrategy, 'retainKeys');
    assert.equal(m('io.k8s.api.policy.v1.PodDisruptionBudgetSpec', 'selector')?.patchStrategy, 'replace');
    assert.deepEqual(m('io.k8s.api.batch.v1.JobStatus', 'conditions'), { patchStrategy: 'merge', patchMergeKey: 'type', listType: 'atomic' });
    for (const def of ['io.k8s.api.apps.v1.DeploymentStatus', 'io.k8s.api.apps.v1.StatefulSetStatus',
      'io.k8s.api.apps.v1.DaemonSetStatus', 'io.k8s.api.apps.v1.ReplicaSetStatus', `${core}.PodStatus`,
      `${core}.NodeStatus`, 'io.k8s.api.policy.v1.PodDisruptionBudgetStatus',
      'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus']) {
      assert.equal(m(def, 'conditions')?.patchMergeKey, 'type', def);
    }
    assert.deepEqual(m('io.k8s.api.rbac.v1.Role', 'rules'), { listType: 'atomic' });
  });

  it('every listMapKeys entry comes with listType map', () => {
    for (const [def, fields] of Object.entries(PATCH_META)) {
      for (const [field, meta] of Object.entries(fields)) {
        if (meta.listMapKeys) assert.equal(meta.listType, 'map', `${def}.${field}`);
        if (meta.patchMergeKey) assert.match(meta.patchStrategy ?? '', /merge/, `${def}.${field}`);
      }
    }
  });
});
