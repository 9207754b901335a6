/** Rich JSON objects, one or more per kind, for the protobuf round-trip tests. */

const meta = (name: string, namespace?: string) => ({
  name, ...(namespace ? { namespace } : {}),
  uid: '6f1c2f8e-0f43-4c1e-9a40-1b1b7b0f8a11', resourceVersion: '42', generation: 3,
  creationTimestamp: '2024-01-02T03:04:05Z',
  labels: { app: name, tier: 'web' }, annotations: { 'example.com/note': 'hello' },
  ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-rs`, uid: 'a-b-c', controller: true, blockOwnerDeletion: false }],
  finalizers: ['example.com/cleanup'],
  managedFields: [{
    manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: '2024-01-02T03:04:05Z',
    fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } },
  }],
});

export const podTemplate = {
  metadata: { labels: { app: 'web' }, annotations: { 'prometheus.io/scrape': 'true' } },
  spec: {
    initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'echo hi'], resources: {} }],
    containers: [{
      name: 'nginx', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent',
      command: ['nginx'], args: ['-g', 'daemon off;'], workingDir: '/srv',
      ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }, { containerPort: 9090, hostPort: 19090, hostIP: '0.0.0.0', protocol: 'UDP' }],
      env: [
        { name: 'PLAIN', value: 'v' },
        { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k', optional: false } } },
        { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
        { name: 'LIMIT', valueFrom: { resourceFieldRef: { containerName: 'nginx', resource: 'limits.memory', divisor: '1Mi' } } },
      ],
      envFrom: [{ prefix: 'CM_', configMapRef: { name: 'cfg' } }, { secretRef: { name: 'sec', optional: true } }],
      resources: {
        limits: { cpu: '500m', memory: '256Mi', 'nvidia.com/gpu': '1' },
        requests: { cpu: '250m', memory: '128Mi', 'ephemeral-storage': '1Gi' },
      },
      volumeMounts: [
        { name: 'data', mountPath: '/data' },
        { name: 'cfg', mountPath: '/etc/cfg', readOnly: true, subPath: 'app.conf', mountPropagation: 'None' },
      ],
      livenessProbe: {
        httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X-Probe', value: '1' }] },
        initialDelaySeconds: 5, timeoutSeconds: 2, periodSeconds: 10, successThreshold: 1, failureThreshold: 3,
      },
      readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
      startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, failureThreshold: 30, terminationGracePeriodSeconds: 0 },
      lifecycle: {
        preStop: { exec: { command: ['sh', '-c', 'sleep 5'] } },
        postStart: { httpGet: { path: '/started', port: 8080, host: 'localhost' } },
      },
      terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
      securityContext: {
        capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
        privileged: false, runAsUser: 1000, runAsGroup: 0, runAsNonRoot: true, readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' },
      },
      stdin: true, tty: true,
    }],
    volumes: [
      { name: 'data', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'app.conf', mode: 0o644 }], defaultMode: 420 } },
      { name: 'sec', secret: { secretName: 'sec', defaultMode: 0o400, optional: true } },
      { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
      { name: 'claim', persistentVolumeClaim: { claimName: 'pvc-1', readOnly: true } },
      { name: 'nfs', nfs: { server: 'nfs.example.com', path: '/exports' } },
      { name: 'dapi', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
      { name: 'proj', projected: { sources: [
        { serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'token' } },
        { configMap: { name: 'cfg' } },
      ], defaultMode: 0o440 } },
      { name: 'csi', csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'x' } } },
    ],
    restartPolicy: 'Always', terminationGracePeriodSeconds: 30, activeDeadlineSeconds: 600, dnsPolicy: 'ClusterFirst',
    nodeSelector: { 'kubernetes.io/os': 'linux' }, serviceAccountName: 'web', automountServiceAccountToken: false,
    hostNetwork: true, shareProcessNamespace: true,
    securityContext: { runAsUser: 1000, fsGroup: 2000, supplementalGroups: [0, 3000], sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
    imagePullSecrets: [{ name: 'regcred' }], hostname: 'web', subdomain: 'svc',
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] } }],
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: {
          labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname', namespaces: ['default'],
        } }],
      },
      podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'db', operator: 'Exists' }] }, topologyKey: 'zone' }] },
    },
    schedulerName: 'default-scheduler',
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
      { operator: 'Exists', tolerationSeconds: 0 },
    ],
    hostAliases: [{ ip: '10.0.0.1', hostnames: ['db.local'] }],
    priorityClassName: 'high', priority: 0,
    dnsConfig: { nameservers: ['1.1.1.1'], searches: ['svc.local'], options: [{ name: 'ndots', value: '2' }] },
    enableServiceLinks: false, preemptionPolicy: 'Never',
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, minDomains: 2 }],
    readinessGates: [{ conditionType: 'example.com/ready' }],
  },
};

export const FIXTURES: Record<string, Record<string, unknown>> = {
  deployment: {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web', 'default'),
    spec: {
      replicas: 0, selector: { matchLabels: { app: 'web' } }, template: podTemplate,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
      minReadySeconds: 5, revisionHistoryLimit: 10, progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: 3, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2,
      conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2024-01-02T03:04:05Z', lastTransitionTime: '2024-01-02T03:04:06Z', reason: 'MinimumReplicasAvailable', message: 'ok' }],
    },
  },
  pod: {
    apiVersion: 'v1', kind: 'Pod', metadata: meta('web-0', 'default'), spec: podTemplate.spec,
    status: {
      phase: 'Running', podIP: '10.1.2.3', podIPs: [{ ip: '10.1.2.3' }], hostIP: '192.168.1.2', qosClass: 'Burstable',
      startTime: '2024-01-02T03:04:05Z',
      conditions: [{ type: 'Ready', status: 'True', lastProbeTime: '2024-01-02T03:04:05Z', lastTransitionTime: '2024-01-02T03:04:05Z' }],
      containerStatuses: [{
        name: 'nginx', ready: true, restartCount: 0, image: 'nginx:1.27', imageID: 'docker://sha256:abc', containerID: 'containerd://1',
        started: true, state: { running: { startedAt: '2024-01-02T03:04:05Z' } },
        lastState: { terminated: { exitCode: 0, reason: 'Completed', startedAt: '2024-01-02T03:00:00Z', finishedAt: '2024-01-02T03:01:00Z' } },
      }],
    },
  },
  namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { team: 'a' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } },
  configmap: {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' },
    data: { 'app.conf': 'key=value\n', empty: '' }, binaryData: { 'blob.bin': Buffer.from([0, 1, 2, 255]).toString('base64') }, immutable: false,
  },
  secret: {
    apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec', namespace: 'default' }, type: 'Opaque',
    data: { password: Buffer.from('s3cr3t').toString('base64'), binary: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]).toString('base64'), empty: '' },
    stringData: { extra: 'plain' }, immutable: true,
  },
  service: {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' },
    spec: {
      type: 'NodePort', selector: { app: 'web' }, clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'],
      ports: [
        { name: 'http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: 30080 },
        { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 9090, appProtocol: 'http' },
      ],
      sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
      externalTrafficPolicy: 'Local', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: { ingress: [{ ip: '1.2.3.4', ports: [{ port: 80, protocol: 'TCP' }] }] } },
  },
  serviceaccount: {
    apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'default' },
    secrets: [{ name: 'web-token' }], imagePullSecrets: [{ name: 'regcred' }], automountServiceAccountToken: false,
  },
  resourcequota: {
    apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'default' },
    spec: { hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi' }, scopes: ['NotTerminating'],
      scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } },
    status: { hard: { pods: '10' }, used: { pods: '3' } },
  },
  job: {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', namespace: 'default' },
    spec: {
      parallelism: 2, completions: 4, backoffLimit: 0, activeDeadlineSeconds: 100, ttlSecondsAfterFinished: 60, completionMode: 'Indexed', suspend: false,
      podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'pi', operator: 'In', values: [42] } }] },
      template: { metadata: {}, spec: { containers: [{ name: 'pi', image: 'perl', command: ['perl', '-e', 'print 1'], resources: {} }], restartPolicy: 'Never' } },
    },
    status: { active: 1, startTime: '2024-01-02T03:04:05Z', ready: 0 },
  },
  cronjob: {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'default' },
    spec: {
      schedule: '0 3 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 200, suspend: true,
      successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { labels: { job: 'nightly' } }, spec: { backoffLimit: 2, template: { metadata: {}, spec: {
        containers: [{ name: 'run', image: 'busybox', args: ['date'], resources: {} }], restartPolicy: 'OnFailure' } } } },
    },
    status: { lastScheduleTime: '2024-01-02T03:00:00Z', active: [{ kind: 'Job', namespace: 'default', name: 'nightly-1', uid: 'u1', apiVersion: 'batch/v1' }] },
  },
  role: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: 'default' },
    rules: [
      { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'pods/log'], resourceNames: ['web-0'] },
      { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] },
    ],
  },
  clusterrole: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'agg' },
    rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/metrics'] }],
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate': 'true' } }] },
  },
  rolebinding: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'read', namespace: 'default' },
    subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }, { kind: 'ServiceAccount', name: 'web', namespace: 'default' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
  },
  clusterrolebinding: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'admins' },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:masters' }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
  },
  priorityclass: {
    apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'zero' },
    value: 0, globalDefault: true, description: 'zero priority', preemptionPolicy: 'Never',
  },
  pdb: {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' },
    spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    status: { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3,
      disruptedPods: { 'web-1': '2024-01-02T03:04:05Z' },
      conditions: [{ type: 'DisruptionAllowed', status: 'True', observedGeneration: 1, lastTransitionTime: '2024-01-02T03:04:05Z', reason: 'SufficientPods', message: '' }] },
  },
  pdbInt: {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web2', namespace: 'default' },
    spec: { maxUnavailable: 0, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] } },
  },
  ingress: {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'default', annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } },
    spec: {
      ingressClassName: 'nginx',
      defaultBackend: { service: { name: 'default', port: { number: 80 } } },
      tls: [{ hosts: ['web.example.com'], secretName: 'web-tls' }],
      rules: [
        { host: 'web.example.com', http: { paths: [
          { path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } },
          { path: '/api', pathType: 'Exact', backend: { service: { name: 'api', port: { number: 8080 } } } },
          { path: '/static', pathType: 'ImplementationSpecific', backend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'assets' } } },
        ] } },
        { http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } },
      ],
    },
    status: { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } },
  },
  hpaV2: {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
        { type: 'Pods', pods: { metric: { name: 'qps', selector: { matchLabels: { verb: 'GET' } } }, target: { type: 'AverageValue', averageValue: '1k' } } },
        { type: 'Object', object: { describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'web' }, metric: { name: 'rps' }, target: { type: 'Value', value: '10k' } } },
        { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } },
        { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'nginx', target: { type: 'Utilization', averageUtilization: 60 } } },
      ],
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }] },
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
      },
    },
    status: {
      observedGeneration: 1, lastScaleTime: '2024-01-02T03:04:05Z', currentReplicas: 2, desiredReplicas: 3,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 90, averageValue: '450m' } } }],
      conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2024-01-02T03:04:05Z', reason: 'ReadyForNewScale', message: 'ok' }],
    },
  },
  hpaV1: {
    apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'default' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
    status: { currentReplicas: 1, desiredReplicas: 1, currentCPUUtilizationPercentage: 0 },
  },
  ssar: {
    apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {},
    spec: {
      resourceAttributes: { namespace: 'default', verb: 'get', group: 'apps', resource: 'deployments', subresource: 'scale', name: 'web',
        fieldSelector: { rawSelector: 'spec.nodeName=n1' }, labelSelector: { requirements: [{ key: 'app', operator: 'In', values: ['web'] }] } },
    },
    status: { allowed: false, denied: true, reason: 'no RBAC policy matched' },
  },
  ssarNonResource: {
    apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {},
    spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } }, status: { allowed: true },
  },
};
