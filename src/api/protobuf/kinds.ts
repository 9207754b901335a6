/**
 * The kinds whose protobuf form k8ts understands: apiVersion + kind → the fully
 * qualified protobuf message name upstream gives the Go type. The schema
 * (`./schema/`) holds every message reachable from these; adding a kind here
 * and regenerating the schema (see test/protobuf/schema.test.ts) is all it takes.
 */

export interface ProtobufKind {
  apiVersion: string;
  kind: string;
  /** Fully qualified message name without the leading dot, e.g. `k8s.io.api.apps.v1.Deployment`. */
  message: string;
}

const GROUPS: ReadonlyArray<{ apiVersion: string; pkg: string; kinds: readonly string[] }> = [
  { apiVersion: 'v1', pkg: 'k8s.io.api.core.v1', kinds: [
    'Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'ResourceQuota', 'Pod',
    'PodTemplate', 'ReplicationController', 'Endpoints', 'PersistentVolumeClaim', 'LimitRange', 'Binding',
  ] },
  { apiVersion: 'apps/v1', pkg: 'k8s.io.api.apps.v1', kinds: ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'] },
  { apiVersion: 'batch/v1', pkg: 'k8s.io.api.batch.v1', kinds: ['Job', 'CronJob'] },
  { apiVersion: 'rbac.authorization.k8s.io/v1', pkg: 'k8s.io.api.rbac.v1', kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'] },
  { apiVersion: 'scheduling.k8s.io/v1', pkg: 'k8s.io.api.scheduling.v1', kinds: ['PriorityClass'] },
  { apiVersion: 'policy/v1', pkg: 'k8s.io.api.policy.v1', kinds: ['PodDisruptionBudget', 'Eviction'] },
  { apiVersion: 'networking.k8s.io/v1', pkg: 'k8s.io.api.networking.v1', kinds: ['Ingress', 'IngressClass', 'NetworkPolicy'] },
  { apiVersion: 'autoscaling/v1', pkg: 'k8s.io.api.autoscaling.v1', kinds: ['HorizontalPodAutoscaler', 'Scale'] },
  { apiVersion: 'autoscaling/v2', pkg: 'k8s.io.api.autoscaling.v2', kinds: ['HorizontalPodAutoscaler'] },
  { apiVersion: 'authorization.k8s.io/v1', pkg: 'k8s.io.api.authorization.v1', kinds: [
    'SelfSubjectAccessReview', 'SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectRulesReview',
  ] },
  { apiVersion: 'authentication.k8s.io/v1', pkg: 'k8s.io.api.authentication.v1', kinds: ['SelfSubjectReview', 'TokenReview'] },
  // Typed clients (helm's release storage among them) send delete bodies as protobuf too.
  { apiVersion: 'v1', pkg: 'k8s.io.apimachinery.pkg.apis.meta.v1', kinds: ['DeleteOptions'] },
  { apiVersion: 'meta.k8s.io/v1', pkg: 'k8s.io.apimachinery.pkg.apis.meta.v1', kinds: ['DeleteOptions'] },
];

/** Every kind with a protobuf form, in a stable order. */
export const PROTOBUF_KINDS: readonly ProtobufKind[] = GROUPS.flatMap((g) =>
  g.kinds.map((kind) => ({ apiVersion: g.apiVersion, kind, message: `${g.pkg}.${kind}` })));

const BY_GVK = new Map(PROTOBUF_KINDS.map((k) => [`${k.apiVersion}/${k.kind}`, k]));

/** The kind registered for apiVersion + kind, or undefined when k8ts has no protobuf form for it. */
export function lookupProtobufKind(apiVersion: string, kind: string): ProtobufKind | undefined {
  return BY_GVK.get(`${apiVersion}/${kind}`);
}
