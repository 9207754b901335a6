/** Shared fixtures for the managed-fields tests: a Deployment type source and builders. */
import { getDefinitions } from '../../src/api/openapi/index.js';
import { openApiTypes } from '../../src/api/managed-fields/index.js';
import type { TypeResolver } from '../../src/api/managed-fields/index.js';

export const types: TypeResolver = openApiTypes(getDefinitions());
export const root = 'io.k8s.api.apps.v1.Deployment';
export const base = { types, root, apiVersion: 'apps/v1' } as const;

export interface Container { name: string; image?: string; args?: string[]; ports?: Array<{ containerPort: number; protocol?: string }> }

export function deployment(o: { replicas?: number; labels?: Record<string, string>; finalizers?: string[]; containers?: Container[] } = {}): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name: 'web', namespace: 'default' };
  if (o.labels) metadata.labels = o.labels;
  if (o.finalizers) metadata.finalizers = o.finalizers;
  const spec: Record<string, unknown> = {};
  if (o.replicas !== undefined) spec.replicas = o.replicas;
  if (o.containers) spec.template = { spec: { containers: o.containers } };
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata, ...(Object.keys(spec).length > 0 ? { spec } : {}) };
}
