/**
 * The PersistentVolume binder (upstream's PersistentVolumeController,
 * --controllers alias `persistentvolume-binder`): binds claims to volumes and
 * moves volumes through Available, Bound, Released and Failed. Two queues,
 * as upstream: claims (`namespace/name`, see claim-sync.ts) and volumes
 * (name, see volume-sync.ts). Both are also resynced every `syncPeriodMs`
 * (upstream's --pvclaimbinder-sync-period), and a volume becoming Available
 * or a StorageClass appearing re-queues the claims still Pending.
 *
 * Provisioning is an external provisioner's, as upstream: the built-in one
 * is k3s's local-path (src/controllers/local-path). Not done: the
 * retroactive default StorageClass for claims created before one existed,
 * and Recycle (volumes with that policy go Failed).
 */
import type { Node, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { Logger } from '../../api/log.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import type { RestClient } from '../../client/rest-client.js';
import { RESOURCES } from '../../client/resource.js';
import { WorkQueue } from '../../client/work-queue.js';
import { ItemExponentialRateLimiter } from '../../client/rate-limiter.js';
import { startController } from '../../client/controller.js';
import { objectKey } from '../../client/object-store.js';
import type { BinderContext } from './binder-context.js';
import { syncClaim } from './claim-sync.js';
import { syncVolume } from './volume-sync.js';

export interface PersistentVolumeControllerOptions {
  client: RestClient;
  informers: InformerFactory;
  recorder: EventRecorder;
  logger: Logger;
  /** @default 15000 */
  syncPeriodMs?: number;
}

export function startPersistentVolumeController(opts: PersistentVolumeControllerOptions): { stop(): Promise<void> } {
  const { client, recorder, logger } = opts;
  const volumes = opts.informers.forResource<PersistentVolume>(RESOURCES.persistentvolumes);
  const claims = opts.informers.forResource<PersistentVolumeClaim>(RESOURCES.persistentvolumeclaims);
  const classes = opts.informers.forResource<StorageClass>(RESOURCES.storageclasses);
  const nodes = opts.informers.forResource<Node>(RESOURCES.nodes);
  const limiter = (): ItemExponentialRateLimiter<string> => new ItemExponentialRateLimiter<string>({ baseMs: 100, maxMs: 60_000 });
  const claimQueue = new WorkQueue<string>({ name: 'claims', rateLimiter: limiter() });
  const volumeQueue = new WorkQueue<string>({ name: 'volumes', rateLimiter: limiter() });
  const ctx: BinderContext = {
    client, recorder, logger,
    volumes: volumes.store, claims: claims.store, classes: classes.store, nodes: nodes.store,
    enqueueClaim: (key) => claimQueue.add(key),
    enqueueVolume: (name) => volumeQueue.add(name),
  };
  const pendingClaims = (): void => {
    for (const c of claims.store.list()) if (c.status?.phase !== 'Bound') claimQueue.add(objectKey(c));
  };

  volumes.addEventHandler({
    onAdd: (v) => volumeQueue.add(objectKey(v)),
    onUpdate: (o, v) => {
      volumeQueue.add(objectKey(v));
      if (v.status?.phase === 'Available' && o.status?.phase !== 'Available') pendingClaims();
    },
    onDelete: (v) => {
      const ref = v.spec?.claimRef;
      if (ref?.name) claimQueue.add(`${ref.namespace ?? ''}/${ref.name}`);
    },
  });
  claims.addEventHandler({
    onAdd: (c) => claimQueue.add(objectKey(c)),
    onUpdate: (_o, c) => claimQueue.add(objectKey(c)),
    onDelete: (c) => {
      // The volume it held is released by the volume's sync.
      if (c.spec?.volumeName) volumeQueue.add(c.spec.volumeName);
      for (const v of volumes.store.list()) {
        if (v.spec?.claimRef?.uid && v.spec.claimRef.uid === c.metadata?.uid) volumeQueue.add(objectKey(v));
      }
    },
  });
  classes.addEventHandler({ onAdd: () => pendingClaims() });

  const informers = [volumes, claims, classes, nodes];
  const claimController = startController({
    name: 'persistentvolume-binder-claims', queue: claimQueue, sync: (key) => syncClaim(ctx, key), informers, logger,
  });
  const volumeController = startController({
    name: 'persistentvolume-binder-volumes', queue: volumeQueue, sync: (name) => syncVolume(ctx, name), informers, logger,
  });
  const resync = setInterval(() => {
    if (!volumes.hasSynced() || !claims.hasSynced()) return;
    for (const k of volumes.store.listKeys()) volumeQueue.add(k);
    for (const k of claims.store.listKeys()) claimQueue.add(k);
  }, opts.syncPeriodMs ?? 15_000);
  resync.unref();
  return {
    async stop() {
      clearInterval(resync);
      await Promise.all([claimController.stop(), volumeController.stop()]);
    },
  };
}
