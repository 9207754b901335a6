/**
 * Hand-built schemas for the strategic merge patch tests: upstream's MergeItem
 * test type (k8s.io/apimachinery strategicpatch patch_test.go) and a slice of
 * apps/v1 Deployment down to containers.
 */
import { schemaFromDefinitions } from '../../../src/api/patch/patch-schema.js';
import type { OpenApiSchema, PatchSchema } from '../../../src/api/patch/patch-schema.js';
import { PATCH_META } from '../../../src/api/patch/patch-meta.js';
import type { PatchMetaTable } from '../../../src/api/patch/patch-meta.js';

const ref = (name: string): OpenApiSchema => ({ $ref: `#/definitions/${name}` });
const str: OpenApiSchema = { type: 'string' };
const int: OpenApiSchema = { type: 'integer' };
const listOf = (items: OpenApiSchema): OpenApiSchema => ({ type: 'array', items });
const mapOf = (v: OpenApiSchema): OpenApiSchema => ({ type: 'object', additionalProperties: v });

const mergeItemProps: Record<string, OpenApiSchema> = {
  name: str, value: str, other: str,
  mergingList: listOf(ref('mergeItem')),
  nonMergingList: listOf(ref('mergeItem')),
  mergingIntList: listOf(int),
  nonMergingIntList: listOf(int),
  simpleMap: mapOf(str),
  replacingItem: { type: 'object' },
  retainKeysMap: ref('retainKeysMergeItem'),
  retainKeysMergingList: listOf(ref('mergeItem')),
};

const MERGE_ITEM_META: PatchMetaTable = {
  mergeItem: {
    mergingList: { patchStrategy: 'merge', patchMergeKey: 'name' },
    mergingIntList: { patchStrategy: 'merge' },
    replacingItem: { patchStrategy: 'replace' },
    retainKeysMap: { patchStrategy: 'retainKeys' },
    retainKeysMergingList: { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name' },
  },
  retainKeysMergeItem: {
    mergingIntList: { patchStrategy: 'merge' },
    mergingList: { patchStrategy: 'merge', patchMergeKey: 'name' },
  },
};

export const mergeItemSchema: PatchSchema = schemaFromDefinitions({
  mergeItem: { type: 'object', properties: mergeItemProps },
  retainKeysMergeItem: {
    type: 'object',
    properties: {
      name: str, value: str, other: str, simpleMap: mapOf(str), mergingIntList: listOf(int),
      mergingList: listOf(ref('mergeItem')), nonMergingList: listOf(ref('mergeItem')),
    },
  },
}, 'mergeItem', MERGE_ITEM_META);

const core = 'io.k8s.api.core.v1';
const apps = 'io.k8s.api.apps.v1';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export const deploymentDefinitions: Record<string, OpenApiSchema> = {
  [`${apps}.Deployment`]: {
    type: 'object',
    properties: {
      apiVersion: str, kind: str,
      metadata: ref(`${meta}.ObjectMeta`),
      spec: ref(`${apps}.DeploymentSpec`),
      status: ref(`${apps}.DeploymentStatus`),
    },
  },
  [`${meta}.ObjectMeta`]: {
    type: 'object',
    properties: {
      name: str, namespace: str,
      labels: mapOf(str), annotations: mapOf(str),
      finalizers: listOf(str),
      ownerReferences: listOf(ref(`${meta}.OwnerReference`)),
    },
  },
  [`${meta}.OwnerReference`]: { type: 'object', properties: { uid: str, name: str, kind: str } },
  [`${meta}.LabelSelector`]: { type: 'object', properties: { matchLabels: mapOf(str) } },
  [`${apps}.DeploymentSpec`]: {
    type: 'object',
    properties: {
      replicas: int,
      selector: ref(`${meta}.LabelSelector`),
      template: ref(`${core}.PodTemplateSpec`),
      strategy: ref(`${apps}.DeploymentStrategy`),
    },
  },
  [`${apps}.DeploymentStrategy`]: {
    type: 'object',
    properties: { type: str, rollingUpdate: { type: 'object', properties: { maxSurge: str, maxUnavailable: str } } },
  },
  [`${apps}.DeploymentStatus`]: { type: 'object', properties: { conditions: listOf(ref(`${apps}.DeploymentCondition`)) } },
  [`${apps}.DeploymentCondition`]: { type: 'object', properties: { type: str, status: str, reason: str } },
  [`${core}.PodTemplateSpec`]: {
    type: 'object',
    properties: { metadata: ref(`${meta}.ObjectMeta`), spec: ref(`${core}.PodSpec`) },
  },
  [`${core}.PodSpec`]: {
    type: 'object',
    properties: {
      containers: listOf(ref(`${core}.Container`)),
      initContainers: listOf(ref(`${core}.Container`)),
      volumes: listOf(ref(`${core}.Volume`)),
      tolerations: listOf(ref(`${core}.Toleration`)),
      nodeSelector: mapOf(str),
    },
  },
  [`${core}.Toleration`]: { type: 'object', properties: { key: str, operator: str, effect: str } },
  [`${core}.Volume`]: {
    type: 'object',
    properties: {
      name: str,
      emptyDir: { type: 'object', properties: { medium: str } },
      configMap: { type: 'object', properties: { name: str } },
    },
  },
  [`${core}.Container`]: {
    type: 'object',
    properties: {
      name: str, image: str,
      args: listOf(str),
      env: listOf(ref(`${core}.EnvVar`)),
      ports: listOf(ref(`${core}.ContainerPort`)),
      volumeMounts: listOf(ref(`${core}.VolumeMount`)),
      resources: { type: 'object', properties: { limits: mapOf(str), requests: mapOf(str) } },
    },
  },
  [`${core}.EnvVar`]: { type: 'object', properties: { name: str, value: str } },
  [`${core}.ContainerPort`]: { type: 'object', properties: { containerPort: int, protocol: str, name: str } },
  [`${core}.VolumeMount`]: { type: 'object', properties: { name: str, mountPath: str } },
};

export const deploymentSchema: PatchSchema = schemaFromDefinitions(deploymentDefinitions, `${apps}.Deployment`, PATCH_META);
