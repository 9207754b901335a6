/**
 * Spot checks of the embedded schema against field numbers read from
 * upstream's generated.proto files (k8s.io/api, k8s.io/apimachinery).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageType } from '../../src/api/protobuf/root.js';
import { PROTOBUF_KINDS } from '../../src/api/protobuf/kinds.js';

const UPSTREAM: Record<string, Record<string, number>> = {
  'k8s.io.apimachinery.pkg.runtime.Unknown': { typeMeta: 1, raw: 2, contentEncoding: 3, contentType: 4 },
  'k8s.io.apimachinery.pkg.runtime.TypeMeta': { apiVersion: 1, kind: 2 },
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time': { seconds: 1, nanos: 2 },
  'k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    name: 1, generateName: 2, namespace: 3, selfLink: 4, uid: 5, resourceVersion: 6, generation: 7, creationTimestamp: 8,
    deletionTimestamp: 9, deletionGracePeriodSeconds: 10, labels: 11, annotations: 12, ownerReferences: 13, finalizers: 14, managedFields: 17,
  },
  'k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector': { matchLabels: 1, matchExpressions: 2 },
  'k8s.io.apimachinery.pkg.api.resource.Quantity': { string: 1 },
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': { type: 1, intVal: 2, strVal: 3 },
  'k8s.io.api.core.v1.Affinity': { nodeAffinity: 1, podAffinity: 2, podAntiAffinity: 3 },
  'k8s.io.api.core.v1.AWSElasticBlockStoreVolumeSource': { volumeID: 1, fsType: 2, partition: 3, readOnly: 4 },
  'k8s.io.api.core.v1.CSIVolumeSource': { driver: 1, readOnly: 2, fsType: 3, volumeAttributes: 4, nodePublishSecretRef: 5 },
  'k8s.io.api.core.v1.Capabilities': { add: 1, drop: 2 },
  'k8s.io.api.apps.v1.DeploymentSpec': {
    replicas: 1, selector: 2, template: 3, strategy: 4, minReadySeconds: 5, revisionHistoryLimit: 6, paused: 7, progressDeadlineSeconds: 9,
  },
};

for (const [msg, fields] of Object.entries(UPSTREAM)) {
  test(`field numbers of ${msg}`, () => {
    const t = messageType(msg);
    for (const [name, id] of Object.entries(fields)) assert.equal(t.fields[name]?.id, id, `${msg}.${name}`);
  });
}

test('every registered object kind has a message with metadata = 1', () => {
  // DeleteOptions is an options kind: it has no metadata.
  for (const k of PROTOBUF_KINDS.filter((x) => x.kind !== 'DeleteOptions')) {
    assert.equal(messageType(k.message).fields.metadata?.id, 1, k.message);
  }
  // DeleteOptions: gracePeriodSeconds = 1, propagationPolicy = 4, dryRun = 5 (meta/v1 generated.proto).
  const d = messageType('k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');
  assert.equal(d.fields.gracePeriodSeconds?.id, 1);
  assert.equal(d.fields.dryRun?.id, 5);
  assert.equal(d.fields.propagationPolicy?.id, 4);
});
