import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from 'kubernetes-types/core/v1.js';
import { tableConvertorFor } from '../../src/apiserver/tables/index.js';
import { NOW, ago, obj } from './helpers.js';

const cells = (group: string, plural: string, o: unknown) => tableConvertorFor(group, plural).cells(obj(o), NOW);

test('node with roles and SchedulingDisabled, wide cells', () => {
  assert.deepEqual(tableConvertorFor('', 'nodes').columns().map((c) => [c.name, c.priority]), [
    ['Name', 0], ['Status', 0], ['Roles', 0], ['Age', 0], ['Version', 0],
    ['Internal-IP', 1], ['External-IP', 1], ['OS-Image', 1], ['Kernel-Version', 1], ['Container-Runtime', 1],
  ]);
  const node: Node = {
    metadata: { name: 'cp-1', creationTimestamp: ago(45, 'd'), labels: {
      'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/etcd': 'true',
      'node-role.kubernetes.io/': '', 'kubernetes.io/role': 'master', 'kubernetes.io/hostname': 'cp-1' } },
    spec: { unschedulable: true },
    status: {
      conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
      addresses: [{ type: 'Hostname', address: 'cp-1' }, { type: 'InternalIP', address: '192.168.1.10' }],
      nodeInfo: { kubeletVersion: 'v1.30.2', osImage: 'Ubuntu 22.04.4 LTS', kernelVersion: '6.5.0', containerRuntimeVersion: 'containerd://1.7.13',
        architecture: 'amd64', bootID: '', machineID: '', kubeProxyVersion: '', operatingSystem: 'linux', systemUUID: '' },
    },
  };
  assert.deepEqual(cells('', 'nodes', node), [
    'cp-1', 'Ready,SchedulingDisabled', 'control-plane,etcd,master', '45d', 'v1.30.2',
    '192.168.1.10', '<none>', 'Ubuntu 22.04.4 LTS', '6.5.0', 'containerd://1.7.13',
  ]);
  const bare: Node = { metadata: { name: 'w' } };
  assert.deepEqual(cells('', 'nodes', bare), ['w', 'Unknown', '<none>', '<unknown>', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  const notReady: Node = { metadata: { name: 'w' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } };
  assert.equal(cells('', 'nodes', notReady)[1], 'NotReady');
});

test('namespace, configmap, secret, serviceaccount rows', () => {
  assert.deepEqual(cells('', 'namespaces', { metadata: { name: 'kube-system', creationTimestamp: ago(3, 'd') }, status: { phase: 'Active' } }),
    ['kube-system', 'Active', '3d']);
  assert.deepEqual(cells('', 'configmaps', { metadata: { name: 'cfg', creationTimestamp: ago(1, 's') }, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }),
    ['cfg', 3, '1s']);
  assert.deepEqual(cells('', 'secrets', { metadata: { name: 'tls' }, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }),
    ['tls', 'kubernetes.io/tls', 2, '<unknown>']);
  assert.deepEqual(cells('', 'secrets', { metadata: { name: 's' }, stringData: { a: 'x' } }).slice(1, 3), ['Opaque', 1]);
  assert.deepEqual(cells('', 'serviceaccounts', { metadata: { name: 'default' } }), ['default', 0, '<unknown>']);
  assert.deepEqual(tableConvertorFor('', 'serviceaccounts').columns().map((c) => c.name), ['Name', 'Secrets', 'Age']);
});

test('persistent volumes and claims', () => {
  const pv = {
    metadata: { name: 'pv-1', creationTimestamp: ago(1, 'd'), annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } },
    spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: 'standard', claimRef: { namespace: 'default', name: 'data' }, volumeMode: 'Filesystem' },
    status: { phase: 'Bound' },
  };
  assert.deepEqual(cells('', 'persistentvolumes', pv),
    ['pv-1', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'legacy', '<unset>', '', '24h', 'Filesystem']);
  const pending = { metadata: { name: 'data' }, spec: { storageClassName: 'standard', resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } };
  assert.deepEqual(cells('', 'persistentvolumeclaims', pending), ['data', 'Pending', '', '', '', 'standard', '<unset>', '<unknown>', '<unset>']);
  const bound = { metadata: { name: 'data', deletionTimestamp: ago(1, 's') }, spec: { volumeName: 'pv-1', storageClassName: 'standard' },
    status: { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'] } };
  assert.deepEqual(cells('', 'persistentvolumeclaims', bound).slice(0, 5), ['data', 'Terminating', 'pv-1', '10Gi', 'RWO']);
});

test('resourcequota, poddisruptionbudget, priorityclass, storageclass, lease rows', () => {
  const rq = { metadata: { name: 'q' }, status: {
    hard: { 'requests.cpu': '2', pods: '10', 'limits.memory': '2Gi', 'limits.cpu': '4' },
    used: { 'requests.cpu': '500m', pods: '3', 'limits.cpu': '1' } } };
  assert.deepEqual(cells('', 'resourcequotas', rq), ['q', 'pods: 3/10, requests.cpu: 500m/2', 'limits.cpu: 1/4, limits.memory: 0/2Gi', '<unknown>']);
  assert.deepEqual(cells('policy', 'poddisruptionbudgets', { metadata: { name: 'pdb' }, spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } }),
    ['pdb', '50%', 'N/A', 1, '<unknown>']);
  assert.deepEqual(cells('scheduling.k8s.io', 'priorityclasses', { metadata: { name: 'high' }, value: 1000, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority' }),
    ['high', 1000, false, '<unknown>', 'PreemptLowerPriority']);
  assert.deepEqual(cells('storage.k8s.io', 'storageclasses', { metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' }),
  ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '<unknown>']);
  assert.deepEqual(cells('coordination.k8s.io', 'leases', { metadata: { name: 'kube-scheduler' }, spec: { holderIdentity: 'node-1_abc' } }),
    ['kube-scheduler', 'node-1_abc', '<unknown>']);
});

test('rbac bindings, controllerrevisions, networkpolicies, podtemplates, ingressclasses, HPAs', () => {
  const rb = { metadata: { name: 'rb' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'User', name: 'alice' }, { kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', name: 'ci', namespace: 'tools' }, { kind: 'User', name: 'bob' }] };
  assert.deepEqual(cells('rbac.authorization.k8s.io', 'rolebindings', rb), ['rb', 'ClusterRole/view', '<unknown>', 'alice, bob', 'devs', 'tools/ci']);
  assert.deepEqual(tableConvertorFor('rbac.authorization.k8s.io', 'clusterrolebindings').columns().map((c) => c.description).slice(3),
    ['Users in the clusterRoleBinding', 'Groups in the clusterRoleBinding', 'ServiceAccounts in the clusterRoleBinding']);
  const cr = { metadata: { name: 'web-5d8', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] }, revision: 2 };
  assert.deepEqual(cells('apps', 'controllerrevisions', cr), ['web-5d8', 'statefulset.apps/web', 2, '<unknown>']);
  assert.deepEqual(cells('networking.k8s.io', 'networkpolicies', { metadata: { name: 'deny' }, spec: { podSelector: {} } }), ['deny', '<none>', '<unknown>']);
  assert.deepEqual(cells('', 'podtemplates', { metadata: { name: 'pt' }, template: { metadata: { labels: { b: '2', a: '1' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } }),
    ['pt', 'c', 'i', 'a=1,b=2']);
  assert.deepEqual(cells('networking.k8s.io', 'ingressclasses', { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx',
    parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } } }),
  ['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/external-lb', '<unknown>']);
  const hpaV2 = { apiVersion: 'autoscaling/v2', metadata: { name: 'web' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5,
    metrics: [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } }] },
    status: { currentReplicas: 2, desiredReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 35 } } }] } };
  assert.deepEqual(cells('autoscaling', 'horizontalpodautoscalers', hpaV2),
    ['web', 'Deployment/web', 'cpu: 35%/80%, memory: <unknown>/500Mi + 1 more...', '1', 5, 2, '<unknown>']);
  const hpaV1 = { apiVersion: 'autoscaling/v1', metadata: { name: 'web' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, targetCPUUtilizationPercentage: 50 },
    status: { currentReplicas: 1, desiredReplicas: 1 } };
  assert.deepEqual(cells('autoscaling', 'horizontalpodautoscalers', hpaV1), ['web', 'Deployment/web', 'cpu: <unknown>/50%', '<unset>', 3, 1, '<unknown>']);
});

test('roles, clusterroles and limitranges have no printer upstream: default Name, Created At', () => {
  for (const [g, p] of [['rbac.authorization.k8s.io', 'roles'], ['rbac.authorization.k8s.io', 'clusterroles'], ['', 'limitranges'], ['example.com', 'widgets']] as const) {
    const conv = tableConvertorFor(g, p);
    assert.deepEqual(conv.columns().map((c) => [c.name, c.type, c.format]), [['Name', 'string', 'name'], ['Created At', 'date', '']]);
  }
  const conv = tableConvertorFor('rbac.authorization.k8s.io', 'roles');
  assert.deepEqual(conv.cells(obj({ metadata: { name: 'r', creationTimestamp: '2024-05-01T10:00:00Z' } }), NOW), ['r', '2024-05-01T10:00:00Z']);
  assert.deepEqual(conv.cells(obj({ metadata: { name: 'r' } }), NOW), ['r', '0001-01-01T00:00:00Z']);
});
