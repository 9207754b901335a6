/**
 * The resource catalogue: every built-in resource k8ts serves, one entry per
 * served group/version/resource, with the names discovery publishes. This is
 * data only; behaviour lives in the apiserver's registry strategies.
 *
 * Two entries may share storage (core/v1 and events.k8s.io/v1 events; HPA
 * autoscaling/v1 and v2): `storage` names the key prefix and the version the
 * object is stored in, and the registry converts between them.
 */

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export const STANDARD_VERBS: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface SubresourceDef {
  /** `status`, `scale`, `binding`, `log`, ... */
  name: string;
  /** Kind the subresource accepts and returns, when it differs from the parent. */
  kind?: string;
  group?: string;
  version?: string;
  verbs: Verb[];
}

export interface ResourceDef {
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural, the path segment: `deployments`. */
  plural: string;
  /** Lower-case singular: `deployment`. */
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: Verb[];
  subresources: SubresourceDef[];
  /** Where objects live in the store and in which group/version they are stored. */
  storage: { prefix: string; group: string; version: string };
  /**
   * A create-only resource that is computed, never stored (access and token
   * reviews): the server answers a POST with the object and its status.
   */
  ephemeral?: boolean;
}

export interface GroupVersionKind { group: string; version: string; kind: string }

const status: SubresourceDef = { name: 'status', verbs: ['get', 'patch', 'update'] };
/** The proxy subresource of pods, services and nodes: connect with every method (upstream's discovery lists these five verbs). */
const proxy = (kind: string): SubresourceDef => ({ name: 'proxy', kind, verbs: ['create', 'delete', 'get', 'patch', 'update'] });
const scale: SubresourceDef = { name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] };

interface Spec {
  kind: string;
  plural: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: Verb[];
  subresources?: SubresourceDef[];
  /** Override of the storage location. */
  storage?: { prefix: string; group: string; version: string };
  ephemeral?: boolean;
}

function group(groupName: string, version: string, specs: Spec[]): ResourceDef[] {
  return specs.map((s) => ({
    group: groupName,
    version,
    kind: s.kind,
    plural: s.plural,
    singular: s.kind.toLowerCase(),
    namespaced: s.namespaced ?? true,
    ...(s.shortNames ? { shortNames: s.shortNames } : {}),
    ...(s.categories ? { categories: s.categories } : {}),
    verbs: s.verbs ?? STANDARD_VERBS,
    subresources: s.subresources ?? [],
    ...(s.ephemeral ? { ephemeral: true } : {}),
    storage: s.storage ?? {
      prefix: groupName ? `/registry/${groupName}/${s.plural}/` : `/registry/${s.plural}/`,
      group: groupName, version,
    },
  }));
}

const all = ['all'];

/** Every built-in resource, in the order discovery lists groups. */
export const BUILTIN_RESOURCES: readonly ResourceDef[] = [
  ...group('', 'v1', [
    { kind: 'Binding', plural: 'bindings', verbs: ['create'] },
    { kind: 'ConfigMap', plural: 'configmaps', shortNames: ['cm'] },
    { kind: 'Endpoints', plural: 'endpoints', shortNames: ['ep'] },
    { kind: 'Event', plural: 'events', shortNames: ['ev'] },
    { kind: 'LimitRange', plural: 'limitranges', shortNames: ['limits'] },
    { kind: 'Namespace', plural: 'namespaces', namespaced: false, shortNames: ['ns'],
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      subresources: [{ name: 'finalize', verbs: ['update'] }, status] },
    { kind: 'Node', plural: 'nodes', namespaced: false, shortNames: ['no'], subresources: [proxy('NodeProxyOptions'), status] },
    { kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', shortNames: ['pvc'], subresources: [status] },
    { kind: 'PersistentVolume', plural: 'persistentvolumes', namespaced: false, shortNames: ['pv'], subresources: [status] },
    { kind: 'Pod', plural: 'pods', shortNames: ['po'], categories: all, subresources: [
      { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'ephemeralcontainers', verbs: ['get', 'patch', 'update'] },
      { name: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'log', verbs: ['get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      proxy('PodProxyOptions'),
      status,
    ] },
    { kind: 'PodTemplate', plural: 'podtemplates' },
    { kind: 'ReplicationController', plural: 'replicationcontrollers', shortNames: ['rc'], categories: all,
      subresources: [scale, status] },
    { kind: 'ResourceQuota', plural: 'resourcequotas', shortNames: ['quota'], subresources: [status] },
    { kind: 'Secret', plural: 'secrets' },
    { kind: 'ServiceAccount', plural: 'serviceaccounts', shortNames: ['sa'] },
    { kind: 'Service', plural: 'services', shortNames: ['svc'], categories: all,
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      subresources: [proxy('ServiceProxyOptions'), status] },
  ]),
  ...group('apps', 'v1', [
    { kind: 'ControllerRevision', plural: 'controllerrevisions' },
    { kind: 'DaemonSet', plural: 'daemonsets', shortNames: ['ds'], categories: all, subresources: [status] },
    { kind: 'Deployment', plural: 'deployments', shortNames: ['deploy'], categories: all, subresources: [scale, status] },
    { kind: 'ReplicaSet', plural: 'replicasets', shortNames: ['rs'], categories: all, subresources: [scale, status] },
    { kind: 'StatefulSet', plural: 'statefulsets', shortNames: ['sts'], categories: all, subresources: [scale, status] },
  ]),
  ...group('events.k8s.io', 'v1', [
    { kind: 'Event', plural: 'events', shortNames: ['ev'],
      storage: { prefix: '/registry/events/', group: '', version: 'v1' } },
  ]),
  ...group('autoscaling', 'v2', [
    { kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', shortNames: ['hpa'], categories: all,
      subresources: [status] },
  ]),
  ...group('autoscaling', 'v1', [
    { kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', shortNames: ['hpa'], categories: all,
      subresources: [status],
      storage: { prefix: '/registry/autoscaling/horizontalpodautoscalers/', group: 'autoscaling', version: 'v2' } },
  ]),
  ...group('apiextensions.k8s.io', 'v1', [
    { kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false,
      shortNames: ['crd', 'crds'], categories: ['api-extensions'], subresources: [status] },
  ]),
  ...group('authentication.k8s.io', 'v1', [
    { kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', namespaced: false, verbs: ['create'], ephemeral: true },
    { kind: 'TokenReview', plural: 'tokenreviews', namespaced: false, verbs: ['create'], ephemeral: true },
  ]),
  ...group('authorization.k8s.io', 'v1', [
    { kind: 'LocalSubjectAccessReview', plural: 'localsubjectaccessreviews', verbs: ['create'], ephemeral: true },
    { kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', namespaced: false, verbs: ['create'], ephemeral: true },
    { kind: 'SelfSubjectRulesReview', plural: 'selfsubjectrulesreviews', namespaced: false, verbs: ['create'], ephemeral: true },
    { kind: 'SubjectAccessReview', plural: 'subjectaccessreviews', namespaced: false, verbs: ['create'], ephemeral: true },
  ]),
  ...group('batch', 'v1', [
    { kind: 'CronJob', plural: 'cronjobs', shortNames: ['cj'], categories: all, subresources: [status] },
    { kind: 'Job', plural: 'jobs', categories: all, subresources: [status] },
  ]),
  ...group('coordination.k8s.io', 'v1', [
    { kind: 'Lease', plural: 'leases' },
  ]),
  ...group('discovery.k8s.io', 'v1', [
    { kind: 'EndpointSlice', plural: 'endpointslices' },
  ]),
  ...group('networking.k8s.io', 'v1', [
    { kind: 'IngressClass', plural: 'ingressclasses', namespaced: false },
    { kind: 'Ingress', plural: 'ingresses', shortNames: ['ing'], subresources: [status] },
    { kind: 'NetworkPolicy', plural: 'networkpolicies', shortNames: ['netpol'] },
  ]),
  ...group('policy', 'v1', [
    { kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', shortNames: ['pdb'], subresources: [status] },
  ]),
  ...group('rbac.authorization.k8s.io', 'v1', [
    { kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false },
    { kind: 'ClusterRole', plural: 'clusterroles', namespaced: false },
    { kind: 'RoleBinding', plural: 'rolebindings' },
    { kind: 'Role', plural: 'roles' },
  ]),
  ...group('storage.k8s.io', 'v1', [
    { kind: 'StorageClass', plural: 'storageclasses', namespaced: false, shortNames: ['sc'] },
  ]),
  ...group('scheduling.k8s.io', 'v1', [
    { kind: 'PriorityClass', plural: 'priorityclasses', namespaced: false, shortNames: ['pc'] },
  ]),
];

/** `apps/v1` or `v1`. */
export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** Splits `apps/v1` into group and version; `v1` is the core group. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** Looks a resource up by group, version and plural. */
export function findResource(defs: readonly ResourceDef[], group: string, version: string, plural: string): ResourceDef | undefined {
  return defs.find((d) => d.group === group && d.version === version && d.plural === plural);
}
