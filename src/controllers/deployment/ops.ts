/**
 * What one Deployment sync needs besides the objects (the client, the
 * recorder, the ReplicaSet cache, requeueing), and the status write every
 * step shares. Syncs work on clones: each write replaces the clone's
 * contents with the server's reply, so later steps of the same sync see the
 * new resourceVersion and spec.
 */
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Logger } from '../../api/log.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';

export interface DeploymentOps {
  client: RestClient;
  recorder: EventRecorder;
  logger?: Logger;
  /** A ReplicaSet from the informer cache (`namespace/name`); never mutate it. */
  cachedReplicaSet(key: string): ReplicaSet | undefined;
  /** Syncs the Deployment again after `ms`. */
  requeueAfter(d: Deployment, ms: number): void;
  /** Syncs the Deployment again after the queue's back-off. */
  requeueRateLimited(d: Deployment): void;
}

/** Makes `target` a copy of `source` (same object identity, new contents). */
export function replaceWith<T extends object>(target: T, source: T): T {
  for (const k of Object.keys(target)) if (!(k in source)) delete (target as Record<string, unknown>)[k];
  Object.assign(target, source);
  return target;
}

/** PUTs d's status (and metadata: the revision annotation travels this way too); `d` becomes the reply. */
export async function updateDeploymentStatus(ops: DeploymentOps, d: Deployment): Promise<void> {
  const updated = await ops.client.updateStatus<Deployment>(RESOURCES.deployments, d, { namespace: d.metadata!.namespace! });
  replaceWith(d, { apiVersion: 'apps/v1', kind: 'Deployment', ...updated });
}
