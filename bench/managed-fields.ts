/**
 * (separate, library-level) Cost of field management on the write path:
 * `updateManagedFields` for a pod create and for the binding that follows it
 * (the two writes every scheduled pod makes), and a Deployment update.
 * Prints CPU microseconds per call (including the benchmark's own copy of
 * the object, a few µs); no HTTP, no store.
 *
 *   node dist/bench/managed-fields.js [--iterations 20000]
 */
import { parseArgs } from 'node:util';
import { getDefinitions } from '../src/api/openapi/index.js';
import { openApiTypes, updateManagedFields, type ManagedFieldsEntry } from '../src/api/managed-fields/index.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '20000' } } });
const N = Number(values.iterations);
const types = openApiTypes(getDefinitions());

/** A pod as a ReplicaSet creates it, after defaulting. */
function pod(i: number): Record<string, unknown> {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: `web-7d4b9c-${i}`, generateName: 'web-7d4b9c-', namespace: 'default', uid: `u-${i}`,
      labels: { app: 'web', 'pod-template-hash': '7d4b9c' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c', uid: 'rs', controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      containers: [{
        name: 'web', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        resources: { requests: { cpu: '100m', memory: '500Mi' } },
        terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
      }],
      restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst',
      securityContext: {}, schedulerName: 'default-scheduler', enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority', priority: 0,
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  };
}

function time(name: string, fn: (i: number) => void): void {
  for (let i = 0; i < Math.min(N, 2000); i++) fn(i);
  // CPU time, not wall time: other processes on the machine do not inflate it.
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) fn(i);
  const c = process.cpuUsage(c0);
  const us = (c.user + c.system) / N;
  console.log(`${name.padEnd(40)} ${us.toFixed(1).padStart(7)} µs CPU/call`);
}

const podOpts = { manager: 'kube-controller-manager', apiVersion: 'v1', types, root: 'io.k8s.api.core.v1.Pod', time: new Date() };
const created = pod(0);
const createdMf = updateManagedFields(undefined, structuredClone(created), { ...podOpts, managedFields: undefined }).managedFields;
(created.metadata as Record<string, unknown>).managedFields = createdMf;
const bound = structuredClone(created);
(bound.spec as Record<string, unknown>).nodeName = 'node-1';

console.log(`updateManagedFields, ${N} iterations each`);
time('pod create', (i) => { updateManagedFields(undefined, pod(i), { ...podOpts, managedFields: undefined }); });
time('pod binding (spec.nodeName)', () => {
  updateManagedFields(created, structuredClone(bound), { ...podOpts, manager: 'kube-scheduler', subresource: 'binding', managedFields: createdMf as ManagedFieldsEntry[] });
});
time('pod status update (kubelet)', () => {
  const next = structuredClone(created);
  (next.status as Record<string, unknown>).phase = 'Running';
  (next.status as Record<string, unknown>).podIP = '10.0.0.1';
  updateManagedFields(created, next, { ...podOpts, manager: 'kubelet', subresource: 'status', managedFields: createdMf as ManagedFieldsEntry[] });
});
