/**
 * Scalar fields that upstream declares as Go pointers (`*int32`, `*bool`,
 * `*string`, ...), per message. Go's protobuf marshalling writes a pointer
 * field only when it is set, and always writes a non-pointer one (zero
 * included); so a zero on the wire is meaningful exactly for these fields (and
 * for fields without `omitempty`, which the generator takes from the OpenAPI
 * `required` lists). The generator marks both with `[(keep_zero) = true]`.
 * Source: the field declarations in k8s.io/api and k8s.io/apimachinery types.go.
 */
export const POINTER_SCALARS: Record<string, readonly string[]> = {
  'k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta': ['deletionGracePeriodSeconds'],
  'k8s.io.apimachinery.pkg.apis.meta.v1.OwnerReference': ['controller', 'blockOwnerDeletion'],
  'k8s.io.apimachinery.pkg.apis.meta.v1.ListMeta': ['remainingItemCount'],

  'k8s.io.api.core.v1.PodSpec': [
    'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'automountServiceAccountToken',
    'shareProcessNamespace', 'priority', 'enableServiceLinks', 'preemptionPolicy', 'setHostnameAsFQDN',
    'hostUsers', 'runtimeClassName',
  ],
  'k8s.io.api.core.v1.PodSecurityContext': [
    'runAsUser', 'runAsGroup', 'runAsNonRoot', 'fsGroup', 'fsGroupChangePolicy', 'supplementalGroupsPolicy',
    'seLinuxChangePolicy',
  ],
  'k8s.io.api.core.v1.SecurityContext': [
    'privileged', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'readOnlyRootFilesystem',
    'allowPrivilegeEscalation', 'procMount',
  ],
  'k8s.io.api.core.v1.Container': ['restartPolicy'],
  'k8s.io.api.core.v1.EphemeralContainerCommon': ['restartPolicy'],
  'k8s.io.api.core.v1.Probe': ['terminationGracePeriodSeconds'],
  'k8s.io.api.core.v1.GRPCAction': ['service'],
  'k8s.io.api.core.v1.VolumeMount': ['mountPropagation', 'recursiveReadOnly'],
  'k8s.io.api.core.v1.ConfigMapKeySelector': ['optional'],
  'k8s.io.api.core.v1.SecretKeySelector': ['optional'],
  'k8s.io.api.core.v1.ConfigMapEnvSource': ['optional'],
  'k8s.io.api.core.v1.SecretEnvSource': ['optional'],
  'k8s.io.api.core.v1.SecretVolumeSource': ['defaultMode', 'optional'],
  'k8s.io.api.core.v1.ConfigMapVolumeSource': ['defaultMode', 'optional'],
  'k8s.io.api.core.v1.KeyToPath': ['mode'],
  'k8s.io.api.core.v1.DownwardAPIVolumeSource': ['defaultMode'],
  'k8s.io.api.core.v1.DownwardAPIVolumeFile': ['mode'],
  'k8s.io.api.core.v1.ProjectedVolumeSource': ['defaultMode'],
  'k8s.io.api.core.v1.SecretProjection': ['optional'],
  'k8s.io.api.core.v1.ConfigMapProjection': ['optional'],
  'k8s.io.api.core.v1.ServiceAccountTokenProjection': ['expirationSeconds'],
  'k8s.io.api.core.v1.ClusterTrustBundleProjection': ['name', 'signerName', 'optional'],
  'k8s.io.api.core.v1.HostPathVolumeSource': ['type'],
  'k8s.io.api.core.v1.CSIVolumeSource': ['readOnly', 'fsType'],
  'k8s.io.api.core.v1.ISCSIVolumeSource': ['initiatorName'],
  'k8s.io.api.core.v1.AzureDiskVolumeSource': ['cachingMode', 'fsType', 'readOnly', 'kind'],
  'k8s.io.api.core.v1.PersistentVolumeClaimSpec': ['storageClassName', 'volumeMode', 'volumeAttributesClassName'],
  'k8s.io.api.core.v1.PersistentVolumeClaimStatus': ['currentVolumeAttributesClassName'],
  'k8s.io.api.core.v1.TypedLocalObjectReference': ['apiGroup'],
  'k8s.io.api.core.v1.TypedObjectReference': ['apiGroup', 'namespace'],
  'k8s.io.api.core.v1.Toleration': ['tolerationSeconds'],
  'k8s.io.api.core.v1.TopologySpreadConstraint': ['minDomains', 'nodeAffinityPolicy', 'nodeTaintsPolicy'],
  'k8s.io.api.core.v1.SeccompProfile': ['localhostProfile'],
  'k8s.io.api.core.v1.AppArmorProfile': ['localhostProfile'],
  'k8s.io.api.core.v1.WindowsSecurityContextOptions': ['gmsaCredentialSpecName', 'gmsaCredentialSpec', 'runAsUserName', 'hostProcess'],
  'k8s.io.api.core.v1.PodDNSConfigOption': ['value'],
  'k8s.io.api.core.v1.PodResourceClaim': ['resourceClaimName', 'resourceClaimTemplateName'],
  'k8s.io.api.core.v1.ContainerStatus': ['started', 'stopSignal'],
  'k8s.io.api.core.v1.PodResourceClaimStatus': ['resourceClaimName'],
  'k8s.io.api.core.v1.ServiceSpec': [
    'allocateLoadBalancerNodePorts', 'ipFamilyPolicy', 'loadBalancerClass', 'internalTrafficPolicy', 'trafficDistribution',
  ],
  'k8s.io.api.core.v1.ClientIPConfig': ['timeoutSeconds'],
  'k8s.io.api.core.v1.ServicePort': ['appProtocol'],
  'k8s.io.api.core.v1.EndpointPort': ['appProtocol'],
  'k8s.io.api.core.v1.EndpointAddress': ['nodeName'],
  'k8s.io.api.core.v1.LoadBalancerIngress': ['ipMode'],
  'k8s.io.api.core.v1.PortStatus': ['error'],
  'k8s.io.api.core.v1.ServiceAccount': ['automountServiceAccountToken'],
  'k8s.io.api.core.v1.Secret': ['immutable'],
  'k8s.io.api.core.v1.ConfigMap': ['immutable'],
  'k8s.io.api.core.v1.ReplicationControllerSpec': ['replicas'],

  'k8s.io.api.apps.v1.DeploymentSpec': ['replicas', 'revisionHistoryLimit', 'progressDeadlineSeconds'],
  'k8s.io.api.apps.v1.DeploymentStatus': ['collisionCount'],
  'k8s.io.api.apps.v1.ReplicaSetSpec': ['replicas'],
  'k8s.io.api.apps.v1.StatefulSetSpec': ['replicas', 'revisionHistoryLimit'],
  'k8s.io.api.apps.v1.StatefulSetStatus': ['collisionCount'],
  'k8s.io.api.apps.v1.RollingUpdateStatefulSetStrategy': ['partition'],
  'k8s.io.api.apps.v1.DaemonSetSpec': ['revisionHistoryLimit'],
  'k8s.io.api.apps.v1.DaemonSetStatus': ['collisionCount'],

  'k8s.io.api.batch.v1.JobSpec': [
    'parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'backoffLimitPerIndex', 'maxFailedIndexes',
    'ttlSecondsAfterFinished', 'completionMode', 'suspend', 'podReplacementPolicy', 'manualSelector', 'managedBy',
  ],
  'k8s.io.api.batch.v1.JobStatus': ['ready', 'terminating', 'failedIndexes'],
  'k8s.io.api.batch.v1.PodFailurePolicyOnExitCodesRequirement': ['containerName'],
  'k8s.io.api.batch.v1.SuccessPolicyRule': ['succeededIndexes', 'succeededCount'],
  'k8s.io.api.batch.v1.CronJobSpec': [
    'timeZone', 'startingDeadlineSeconds', 'suspend', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit',
  ],

  'k8s.io.api.scheduling.v1.PriorityClass': ['preemptionPolicy'],
  'k8s.io.api.policy.v1.PodDisruptionBudgetSpec': ['unhealthyPodEvictionPolicy'],
  'k8s.io.api.networking.v1.IngressSpec': ['ingressClassName'],
  'k8s.io.api.networking.v1.HTTPIngressPath': ['pathType'],
  'k8s.io.api.networking.v1.IngressPortStatus': ['error'],
  'k8s.io.api.networking.v1.IngressClassParametersReference': ['aPIGroup', 'scope', 'namespace'],
  'k8s.io.api.networking.v1.NetworkPolicyPort': ['protocol', 'endPort'],

  'k8s.io.api.autoscaling.v1.HorizontalPodAutoscalerSpec': ['minReplicas', 'targetCPUUtilizationPercentage'],
  'k8s.io.api.autoscaling.v1.HorizontalPodAutoscalerStatus': ['observedGeneration', 'currentCPUUtilizationPercentage'],
  'k8s.io.api.autoscaling.v2.HorizontalPodAutoscalerSpec': ['minReplicas'],
  'k8s.io.api.autoscaling.v2.HorizontalPodAutoscalerStatus': ['observedGeneration'],
  'k8s.io.api.autoscaling.v2.MetricTarget': ['averageUtilization'],
  'k8s.io.api.autoscaling.v2.MetricValueStatus': ['averageUtilization'],
  'k8s.io.api.autoscaling.v2.HPAScalingRules': ['stabilizationWindowSeconds', 'selectPolicy'],

  'k8s.io.api.authorization.v1.SelfSubjectRulesReviewSpec': [],
};

/**
 * Message fields that Go embeds inline (`json:",inline"`): their JSON form is
 * the embedded message's fields merged into the parent. The generator marks
 * them `[(inline) = true]`.
 */
export const INLINE_FIELDS: Record<string, readonly string[]> = {
  'k8s.io.api.core.v1.Volume': ['volumeSource'],
  'k8s.io.api.core.v1.Probe': ['handler'],
  'k8s.io.api.core.v1.ConfigMapEnvSource': ['localObjectReference'],
  'k8s.io.api.core.v1.ConfigMapKeySelector': ['localObjectReference'],
  'k8s.io.api.core.v1.ConfigMapProjection': ['localObjectReference'],
  'k8s.io.api.core.v1.ConfigMapVolumeSource': ['localObjectReference'],
  'k8s.io.api.core.v1.SecretEnvSource': ['localObjectReference'],
  'k8s.io.api.core.v1.SecretKeySelector': ['localObjectReference'],
  'k8s.io.api.core.v1.SecretProjection': ['localObjectReference'],
  'k8s.io.api.core.v1.EphemeralContainer': ['ephemeralContainerCommon'],
  'k8s.io.api.core.v1.PersistentVolumeSpec': ['persistentVolumeSource'],
  'k8s.io.api.networking.v1.IngressRule': ['ingressRuleValue'],
};

/** Fields whose protobuf name differs from the JSON name: message → protobuf name → JSON name. */
export const JSON_NAMES: Record<string, Readonly<Record<string, string>>> = {
  'k8s.io.api.networking.v1.IngressClassParametersReference': { aPIGroup: 'apiGroup' },
};
