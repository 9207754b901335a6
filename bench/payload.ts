/**
 * The object every create benchmark writes: a small ConfigMap (~300 bytes of
 * JSON) with a unique name, so k8ts over HTTPS and etcd through etcd3 store
 * the same bytes.
 */
import { randomUUID } from 'node:crypto';
import { BENCH_NAMESPACE } from './k8ts-target.js';

const FILLER = 'x'.repeat(150);

/** A ConfigMap create body for `name`; `annotations` are merged in. Length is ~300 bytes. */
export function configMapBody(name: string, annotations?: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name, labels: { app: 'bench' }, ...(annotations ? { annotations } : {}) },
    data: { 'config.yaml': FILLER },
  });
}

/**
 * The ConfigMap as an API server would store it: the create body plus the
 * fields the server sets (namespace, uid, resourceVersion-less metadata).
 */
export function storedConfigMap(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name, namespace: BENCH_NAMESPACE, uid: randomUUID(), creationTimestamp: new Date().toISOString(), labels: { app: 'bench' } },
    data: { 'config.yaml': FILLER },
  });
}

/** A prefix unique to this process and call, so repeated runs never collide on names. */
export function uniquePrefix(tag: string): string {
  return `${tag}-${process.pid.toString(36)}-${Date.now().toString(36)}`;
}
