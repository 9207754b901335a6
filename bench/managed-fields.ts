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
import { replicaSetPod as pod } from './replicaset-pod.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '20000' } } });
const N = Number(values.iterations);
const types = openApiTypes(getDefinitions());

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
