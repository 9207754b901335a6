/**
 * Valid objects of many built-in kinds, each rich enough that walking it
 * reaches most of the kind's commonly used fields: the starting points of
 * the wrong-types test. `name` is replaced per request.
 */

export interface Fixture {
  /** Collection path with `{ns}` for the namespace. */
  collection: string;
  body: Record<string, unknown>;
}

const podSpec = () => ({
  containers: [{
    name: 'web', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent', command: ['nginx'], args: ['-g', 'daemon off;'],
    ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
    env: [{ name: 'A', value: 'b' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: 1, memory: '128Mi' } },
    volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }],
    livenessProbe: { httpGet: { path: '/', port: 'http' }, initialDelaySeconds: 1, periodSeconds: 10 },
    readinessProbe: { tcpSocket: { port: 80 }, timeoutSeconds: 2 },
    securityContext: { runAsNonRoot: false, runAsUser: 1000, capabilities: { add: ['NET_ADMIN'] } },
  }],
  initContainers: [{ name: 'init', image: 'busybox', command: ['true'] }],
  volumes: [{ name: 'data', emptyDir: { sizeLimit: '1Gi' } }, { name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'a', path: 'a' }] } }],
  restartPolicy: 'Always', terminationGracePeriodSeconds: 5, dnsPolicy: 'ClusterFirst',
  nodeSelector: { disk: 'ssd' },
  tolerations: [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }],
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }] } } },
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }],
  securityContext: { fsGroup: 2000, sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
  hostAliases: [{ ip: '10.0.0.1', hostnames: ['a.local'] }],
  imagePullSecrets: [{ name: 'reg' }],
  priority: 0, enableServiceLinks: true,
});

const meta = (extra: Record<string, unknown> = {}) => ({
  name: 'x', labels: { app: 'web', tier: 'front' }, annotations: { note: 'a' }, finalizers: ['example.com/keep'], ...extra,
});
const template = () => ({ metadata: { labels: { app: 'web', tier: 'front' }, annotations: { a: 'b' } }, spec: podSpec() });
const selector = () => ({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] });
const jobTemplateSpec = () => {
  const t = template();
  t.spec.restartPolicy = 'Never';
  return { completions: 2, parallelism: 1, backoffLimit: 3, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 100, template: t };
};

export const FIXTURES: Record<string, Fixture> = {
  Pod: { collection: '/api/v1/namespaces/{ns}/pods', body: { apiVersion: 'v1', kind: 'Pod', metadata: meta(), spec: podSpec() } },
  Deployment: {
    collection: '/apis/apps/v1/namespaces/{ns}/deployments',
    body: {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(),
      spec: {
        replicas: 2, selector: selector(), template: template(), minReadySeconds: 1, revisionHistoryLimit: 3, progressDeadlineSeconds: 60, paused: true,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      },
    },
  },
  Service: {
    collection: '/api/v1/namespaces/{ns}/services',
    body: {
      apiVersion: 'v1', kind: 'Service', metadata: meta(),
      spec: {
        type: 'NodePort', selector: { app: 'web' }, sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 100 } },
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }, { name: 'https', port: 443, targetPort: 8443 }],
        externalTrafficPolicy: 'Local', ipFamilyPolicy: 'SingleStack',
      },
    },
  },
  ConfigMap: { collection: '/api/v1/namespaces/{ns}/configmaps', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(), data: { a: '1', b: 'two' }, binaryData: { c: 'AAE=' }, immutable: false } },
  Job: { collection: '/apis/batch/v1/namespaces/{ns}/jobs', body: { apiVersion: 'batch/v1', kind: 'Job', metadata: meta(), spec: jobTemplateSpec() } },
  CronJob: {
    collection: '/apis/batch/v1/namespaces/{ns}/cronjobs',
    body: {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta(),
      spec: {
        schedule: '*/5 * * * *', concurrencyPolicy: 'Forbid', suspend: true, startingDeadlineSeconds: 30, successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1,
        timeZone: 'Etc/UTC', jobTemplate: { metadata: { labels: { a: 'b' } }, spec: jobTemplateSpec() },
      },
    },
  },
  StatefulSet: {
    collection: '/apis/apps/v1/namespaces/{ns}/statefulsets',
    body: {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta(),
      spec: {
        replicas: 1, serviceName: 'web', selector: selector(), template: template(), podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 1 } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' },
      },
    },
  },
  DaemonSet: {
    collection: '/apis/apps/v1/namespaces/{ns}/daemonsets',
    body: {
      apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta(),
      spec: { selector: selector(), template: template(), minReadySeconds: 0, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } } },
    },
  },
  Node: {
    collection: '/api/v1/nodes',
    body: {
      apiVersion: 'v1', kind: 'Node', metadata: meta(),
      spec: { podCIDR: '10.1.0.0/24', podCIDRs: ['10.1.0.0/24'], unschedulable: true, taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] },
      status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' }, allocatable: { cpu: '4' }, addresses: [{ type: 'InternalIP', address: '10.0.0.2' }],
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }], nodeInfo: { kubeletVersion: 'v1.30.0', architecture: 'amd64', operatingSystem: 'linux',
          machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: 'k', osImage: 'o', containerRuntimeVersion: 'c', kubeProxyVersion: 'p' } },
    },
  },
  Namespace: { collection: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: meta({ finalizers: undefined }), spec: { finalizers: ['kubernetes'] } } },
  PersistentVolume: {
    collection: '/api/v1/persistentvolumes',
    body: {
      apiVersion: 'v1', kind: 'PersistentVolume', metadata: meta(),
      spec: {
        capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'fast',
        hostPath: { path: '/tmp/pv', type: 'DirectoryOrCreate' }, mountOptions: ['ro'], volumeMode: 'Filesystem',
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'Exists' }] }] } },
      },
    },
  },
  PersistentVolumeClaim: {
    collection: '/api/v1/namespaces/{ns}/persistentvolumeclaims',
    body: {
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta(),
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' }, limits: { storage: '2Gi' } }, storageClassName: 'fast', selector: selector(), volumeMode: 'Filesystem' },
    },
  },
  Ingress: {
    collection: '/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses',
    body: {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta(),
      spec: {
        ingressClassName: 'nginx', tls: [{ hosts: ['a.example.com'], secretName: 'tls' }],
        defaultBackend: { service: { name: 'web', port: { number: 80 } } },
        rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] } }],
      },
    },
  },
  NetworkPolicy: {
    collection: '/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies',
    body: {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(),
      spec: {
        podSelector: selector(), policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { a: 'b' } } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 80 }] }],
        egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 'dns', protocol: 'UDP' }, { port: 1000, endPort: 2000 }] }],
      },
    },
  },
  Role: {
    collection: '/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles',
    body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(), rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'], resourceNames: ['a'] }] },
  },
  ClusterRole: {
    collection: '/apis/rbac.authorization.k8s.io/v1/clusterroles',
    body: {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta(),
      rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] }, { nonResourceURLs: ['/healthz'], verbs: ['get'] }],
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { agg: 'true' } }] },
    },
  },
  RoleBinding: {
    collection: '/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings',
    body: {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: meta(),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'default', namespace: 'default' }],
    },
  },
  PodDisruptionBudget: {
    collection: '/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets',
    body: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(), spec: { minAvailable: 1, selector: selector(), unhealthyPodEvictionPolicy: 'AlwaysAllow' } },
  },
  HorizontalPodAutoscaler: {
    collection: '/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers',
    body: {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta(),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
          { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1k' } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] } },
      },
    },
  },
  StorageClass: {
    collection: '/apis/storage.k8s.io/v1/storageclasses',
    body: {
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: meta(), provisioner: 'example.com/p', parameters: { type: 'ssd' },
      reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true, mountOptions: ['ro'],
      allowedTopologies: [{ matchLabelExpressions: [{ key: 'zone', values: ['a'] }] }],
    },
  },
  Lease: {
    collection: '/apis/coordination.k8s.io/v1/namespaces/{ns}/leases',
    body: {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: meta(),
      spec: { holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: '2024-01-01T00:00:00.000000Z', renewTime: '2024-01-01T00:00:01.000000Z', leaseTransitions: 1 },
    },
  },
  EndpointSlice: {
    collection: '/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices',
    body: {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta({ labels: { 'kubernetes.io/service-name': 'web' } }), addressType: 'IPv4',
      endpoints: [{ addresses: ['10.0.0.5'], conditions: { ready: true, serving: true }, nodeName: 'n1', zone: 'a', targetRef: { kind: 'Pod', name: 'p', namespace: 'default' } }],
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    },
  },
  Event: {
    collection: '/api/v1/namespaces/{ns}/events',
    body: {
      apiVersion: 'v1', kind: 'Event', metadata: meta(), involvedObject: { kind: 'Pod', name: 'p', namespace: '{ns}', uid: 'u' },
      reason: 'Started', message: 'hi', type: 'Normal', count: 2, source: { component: 'kubelet', host: 'n1' },
      firstTimestamp: '2024-01-01T00:00:00Z', lastTimestamp: '2024-01-01T00:00:01Z', reportingComponent: 'kubelet', reportingInstance: 'n1',
    },
  },
};
