/**
 * Patch metadata of the built-in types, as data: what the Go struct tags
 * (`patchStrategy:"merge" patchMergeKey:"name"`) and the `+listType`,
 * `+listMapKey`, `+mapType` markers of k8s.io/api say. Keyed by OpenAPI
 * definition name (`io.k8s.api.core.v1.PodSpec`) and JSON field name.
 *
 * Strategic merge patch reads `patchStrategy`/`patchMergeKey`; the OpenAPI
 * generator turns every entry into `x-kubernetes-patch-strategy`,
 * `x-kubernetes-patch-merge-key`, `x-kubernetes-list-type`,
 * `x-kubernetes-list-map-keys` and `x-kubernetes-map-type`.
 * A field absent here has no metadata: maps merge, lists replace.
 */

export type PatchStrategy = 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';

export interface FieldPatchMeta {
  /** The `patchStrategy` tag, verbatim (comma-separated when two). */
  patchStrategy?: PatchStrategy;
  /** The `patchMergeKey` tag: the item field that identifies list items. */
  patchMergeKey?: string;
  /** `+listType`: atomic (replace whole), set (scalars, unique) or map (items keyed by listMapKeys). */
  listType?: 'atomic' | 'set' | 'map';
  /** `+listMapKey` markers, in order; only with listType map. */
  listMapKeys?: readonly string[];
  /** `+mapType`: atomic maps are replaced whole by server-side apply. */
  mapType?: 'atomic' | 'granular';
}

/** Definition name → field name → metadata. */
export type PatchMetaTable = Readonly<Record<string, Readonly<Record<string, FieldPatchMeta>>>>;

const mergeBy = (key: string, ...listMapKeys: string[]): FieldPatchMeta =>
  ({ patchStrategy: 'merge', patchMergeKey: key, listType: 'map', listMapKeys: listMapKeys.length ? listMapKeys : [key] });
/** `patchStrategy:"merge" patchMergeKey:<key>` without a listType marker. */
const mergeKeyOnly = (key: string): FieldPatchMeta => ({ patchStrategy: 'merge', patchMergeKey: key });
/** Merge by key on patch, but `+listType=atomic` for server-side apply. */
const mergeByAtomic = (key: string): FieldPatchMeta => ({ patchStrategy: 'merge', patchMergeKey: key, listType: 'atomic' });
const mergeRetainBy = (key: string): FieldPatchMeta =>
  ({ patchStrategy: 'merge,retainKeys', patchMergeKey: key, listType: 'map', listMapKeys: [key] });
const mergeSet: FieldPatchMeta = { patchStrategy: 'merge', listType: 'set' };
const atomic: FieldPatchMeta = { listType: 'atomic' };
const set: FieldPatchMeta = { listType: 'set' };
const mapBy = (...listMapKeys: string[]): FieldPatchMeta => ({ listType: 'map', listMapKeys });
const atomicMap: FieldPatchMeta = { mapType: 'atomic' };
const conditions = mergeBy('type');

const core = 'io.k8s.api.core.v1';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** Container and EphemeralContainer share their fields (EphemeralContainerCommon). */
const containerFields: Record<string, FieldPatchMeta> = {
  command: atomic,
  args: atomic,
  ports: mergeBy('containerPort', 'containerPort', 'protocol'),
  envFrom: atomic,
  env: mergeBy('name'),
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
  resizePolicy: atomic,
};

export const PATCH_META: PatchMetaTable = {
  // meta/v1
  [`${meta}.ObjectMeta`]: {
    finalizers: mergeSet,
    ownerReferences: mergeBy('uid'),
    managedFields: atomic,
  },
  [`${meta}.LabelSelector`]: { matchExpressions: atomic },
  [`${meta}.LabelSelectorRequirement`]: { values: atomic },
  [`${meta}.StatusDetails`]: { causes: atomic },

  // core/v1: pods
  [`${core}.PodSpec`]: {
    volumes: mergeRetainBy('name'),
    initContainers: mergeBy('name'),
    containers: mergeBy('name'),
    ephemeralContainers: mergeBy('name'),
    imagePullSecrets: mergeBy('name'),
    hostAliases: mergeBy('ip'),
    topologySpreadConstraints: mergeBy('topologyKey', 'topologyKey', 'whenUnsatisfiable'),
    tolerations: atomic,
    readinessGates: atomic,
    resourceClaims: mergeRetainBy('name'),
    schedulingGates: mergeBy('name'),
    nodeSelector: atomicMap,
  },
  [`${core}.Container`]: containerFields,
  [`${core}.EphemeralContainer`]: containerFields,
  [`${core}.PodStatus`]: {
    conditions,
    podIPs: mergeByAtomic('ip'),
    hostIPs: mergeByAtomic('ip'),
    initContainerStatuses: atomic,
    containerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
    resourceClaimStatuses: mergeRetainBy('name'),
  },
  [`${core}.ContainerStatus`]: { volumeMounts: mapBy('mountPath'), allocatedResourcesStatus: mapBy('name') },
  [`${core}.ResourceRequirements`]: { claims: mapBy('name') },
  [`${core}.PodSecurityContext`]: { supplementalGroups: atomic, sysctls: atomic },
  [`${core}.Capabilities`]: { add: atomic, drop: atomic },
  [`${core}.PodDNSConfig`]: { nameservers: atomic, searches: atomic, options: atomic },
  [`${core}.HostAlias`]: { hostnames: atomic },
  [`${core}.ExecAction`]: { command: atomic },
  [`${core}.HTTPGetAction`]: { httpHeaders: atomic },
  [`${core}.NodeSelector`]: { nodeSelectorTerms: atomic },
  [`${core}.NodeSelectorTerm`]: { matchExpressions: atomic, matchFields: atomic },
  [`${core}.NodeSelectorRequirement`]: { values: atomic },
  [`${core}.NodeAffinity`]: { preferredDuringSchedulingIgnoredDuringExecution: atomic },
  [`${core}.PodAffinity`]: {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  [`${core}.PodAntiAffinity`]: {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  [`${core}.PodAffinityTerm`]: { namespaces: atomic, matchLabelKeys: atomic, mismatchLabelKeys: atomic },
  [`${core}.TopologySpreadConstraint`]: { matchLabelKeys: atomic },
  [`${core}.ConfigMapVolumeSource`]: { items: atomic },
  [`${core}.SecretVolumeSource`]: { items: atomic },
  [`${core}.ConfigMapProjection`]: { items: atomic },
  [`${core}.SecretProjection`]: { items: atomic },
  [`${core}.DownwardAPIVolumeSource`]: { items: atomic },
  [`${core}.DownwardAPIProjection`]: { items: atomic },
  [`${core}.ProjectedVolumeSource`]: { sources: atomic },

  // core/v1: nodes
  [`${core}.NodeSpec`]: { podCIDRs: mergeSet, taints: atomic },
  [`${core}.NodeStatus`]: {
    conditions,
    addresses: mergeKeyOnly('type'),
    images: atomic,
    volumesInUse: atomic,
    volumesAttached: atomic,
  },
  [`${core}.ContainerImage`]: { names: atomic },

  // core/v1: services, endpoints, accounts
  [`${core}.ServiceSpec`]: {
    ports: mergeBy('port', 'port', 'protocol'),
    selector: atomicMap,
    clusterIPs: atomic,
    externalIPs: atomic,
    loadBalancerSourceRanges: atomic,
    ipFamilies: atomic,
  },
  [`${core}.ServiceStatus`]: { conditions },
  [`${core}.LoadBalancerStatus`]: { ingress: atomic },
  [`${core}.LoadBalancerIngress`]: { ports: atomic },
  [`${core}.Endpoints`]: { subsets: atomic },
  [`${core}.EndpointSubset`]: { addresses: atomic, notReadyAddresses: atomic, ports: atomic },
  [`${core}.ServiceAccount`]: { secrets: mergeKeyOnly('name'), imagePullSecrets: atomic },

  // core/v1: other objects with lists
  [`${core}.NamespaceSpec`]: { finalizers: atomic },
  [`${core}.NamespaceStatus`]: { conditions },
  [`${core}.PersistentVolumeClaimSpec`]: { accessModes: atomic },
  [`${core}.PersistentVolumeClaimStatus`]: { accessModes: atomic, conditions },
  [`${core}.PersistentVolumeSpec`]: { accessModes: atomic, mountOptions: atomic },
  [`${core}.ReplicationControllerStatus`]: { conditions },
  [`${core}.ComponentStatus`]: { conditions },
  [`${core}.ResourceQuotaSpec`]: { scopes: atomic },
  [`${core}.ScopeSelector`]: { matchExpressions: atomic },
  [`${core}.ScopedResourceSelectorRequirement`]: { values: atomic },
  [`${core}.LimitRangeSpec`]: { limits: atomic },

  // apps/v1
  'io.k8s.api.apps.v1.DeploymentSpec': { strategy: { patchStrategy: 'retainKeys' } },
  'io.k8s.api.apps.v1.DeploymentStatus': { conditions },
  'io.k8s.api.apps.v1.ReplicaSetStatus': { conditions },
  'io.k8s.api.apps.v1.DaemonSetStatus': { conditions },
  'io.k8s.api.apps.v1.StatefulSetSpec': { volumeClaimTemplates: atomic },
  'io.k8s.api.apps.v1.StatefulSetStatus': { conditions },

  // batch/v1
  'io.k8s.api.batch.v1.JobStatus': { conditions: mergeByAtomic('type') },
  'io.k8s.api.batch.v1.CronJobStatus': { active: atomic },
  'io.k8s.api.batch.v1.PodFailurePolicy': { rules: atomic },
  'io.k8s.api.batch.v1.PodFailurePolicyRule': { onPodConditions: atomic },
  'io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement': { values: set },
  'io.k8s.api.batch.v1.SuccessPolicy': { rules: atomic },

  // autoscaling/v2 (autoscaling/v1 has no lists)
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec': { metrics: atomic },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': { conditions, currentMetrics: atomic },
  'io.k8s.api.autoscaling.v2.HPAScalingRules': { policies: atomic },

  // policy/v1
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': { selector: { patchStrategy: 'replace' } },
  'io.k8s.api.policy.v1.PodDisruptionBudgetStatus': { conditions },

  // networking.k8s.io/v1
  'io.k8s.api.networking.v1.IngressSpec': { tls: atomic, rules: atomic },
  'io.k8s.api.networking.v1.IngressTLS': { hosts: atomic },
  'io.k8s.api.networking.v1.HTTPIngressRuleValue': { paths: atomic },
  'io.k8s.api.networking.v1.IngressLoadBalancerStatus': { ingress: atomic },
  'io.k8s.api.networking.v1.IngressLoadBalancerIngress': { ports: atomic },
  'io.k8s.api.networking.v1.NetworkPolicySpec': { ingress: atomic, egress: atomic, policyTypes: atomic },
  'io.k8s.api.networking.v1.NetworkPolicyIngressRule': { ports: atomic, from: atomic },
  'io.k8s.api.networking.v1.NetworkPolicyEgressRule': { ports: atomic, to: atomic },
  'io.k8s.api.networking.v1.ServiceCIDRSpec': { cidrs: atomic },
  'io.k8s.api.networking.v1.ServiceCIDRStatus': { conditions },

  // rbac.authorization.k8s.io/v1: every list is atomic
  'io.k8s.api.rbac.v1.Role': { rules: atomic },
  'io.k8s.api.rbac.v1.ClusterRole': { rules: atomic },
  'io.k8s.api.rbac.v1.RoleBinding': { subjects: atomic },
  'io.k8s.api.rbac.v1.ClusterRoleBinding': { subjects: atomic },
  'io.k8s.api.rbac.v1.PolicyRule': {
    verbs: atomic, apiGroups: atomic, resources: atomic, resourceNames: atomic, nonResourceURLs: atomic,
  },
  'io.k8s.api.rbac.v1.AggregationRule': { clusterRoleSelectors: atomic },

  // storage.k8s.io/v1
  'io.k8s.api.storage.v1.StorageClass': { mountOptions: atomic, allowedTopologies: atomic },
  'io.k8s.api.storage.v1.CSIDriverSpec': { volumeLifecycleModes: set, tokenRequests: atomic },
  'io.k8s.api.storage.v1.CSINodeSpec': { drivers: mergeBy('name') },
  'io.k8s.api.storage.v1.CSINodeDriver': { topologyKeys: atomic },

  // discovery.k8s.io/v1
  'io.k8s.api.discovery.v1.EndpointSlice': { endpoints: atomic, ports: atomic },
  'io.k8s.api.discovery.v1.Endpoint': { addresses: set },
  'io.k8s.api.discovery.v1.EndpointHints': { forZones: atomic, forNodes: atomic },

  // coordination.k8s.io/v1 (Lease), scheduling.k8s.io/v1 (PriorityClass) and
  // events.k8s.io/v1 (Event) have no patch metadata.
};
