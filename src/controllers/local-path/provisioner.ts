/**
 * The local-path provisioner (k3s's rancher/local-path-provisioner, run as a
 * controller of the controller manager, `--controllers` name
 * `local-path-provisioner`). It ensures the default `local-path`
 * StorageClass exists, then:
 * - claims (queue of `namespace/name`): an unbound claim of a class whose
 *   provisioner is rancher.io/local-path, once the scheduler put
 *   volume.kubernetes.io/selected-node on it, gets a PV `pvc-<uid>` on that
 *   node (see volume.ts), pre-bound to it by claimRef; the PV controller
 *   then binds the pair. Events as sig-storage-lib-external-provisioner's:
 *   Provisioning, ProvisioningSucceeded, ProvisioningFailed.
 * - volumes (queue of names): a Released PV it provisioned with reclaim
 *   policy Delete is deleted, as an external provisioner deletes its
 *   volumes; the finalizer k8ts.io/local-path-cleanup then holds the PV
 *   until the node's agent removed the directory. A node that cannot do
 *   that (a simulated node, or one that no longer exists) has the finalizer
 *   removed here.
 */
import type { Node, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { Logger } from '../../api/log.js';
import { deepClone } from '../../api/object.js';
import { SIMULATED_LABEL } from '../../api/nodes/simulated.js';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, HOSTNAME_LABEL,
  LOCAL_PATH_CLEANUP_FINALIZER, LOCAL_PATH_PROVISIONER, awaitsLocalPathCleanup, claimClass, volumeHostnames,
} from '../../api/volume-binding/index.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import { objectKey } from '../../client/object-store.js';
import { ItemExponentialRateLimiter } from '../../client/rate-limiter.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import { WorkQueue } from '../../client/work-queue.js';
import { startController } from '../../client/controller.js';
import { ensureLocalPathStorageClass } from './storage-class.js';
import { localPathVolume, unprovisionableReason, volumeNameFor } from './volume.js';


export interface LocalPathProvisionerOptions {
  client: RestClient;
  informers: InformerFactory;
  /** Events from the provisioner (component rancher.io/local-path). */
  recorder: EventRecorder;
  logger: Logger;
  /** Create the `local-path` StorageClass when absent. @default true */
  ensureStorageClass?: boolean;
}

const withKind = <T extends object>(o: T, apiVersion: string, kind: string): T => ({ apiVersion, kind, ...o });
const codeOf = (e: unknown): number | undefined => (e as { code?: number }).code;

export function startLocalPathProvisioner(opts: LocalPathProvisionerOptions): { stop(): Promise<void> } {
  const { client, recorder, logger } = opts;
  const claims = opts.informers.forResource<PersistentVolumeClaim>(RESOURCES.persistentvolumeclaims);
  const volumes = opts.informers.forResource<PersistentVolume>(RESOURCES.persistentvolumes);
  const classes = opts.informers.forResource<StorageClass>(RESOURCES.storageclasses);
  const nodes = opts.informers.forResource<Node>(RESOURCES.nodes);
  const limiter = (): ItemExponentialRateLimiter<string> => new ItemExponentialRateLimiter<string>({ baseMs: 200, maxMs: 60_000 });
  const claimQueue = new WorkQueue<string>({ name: 'local-path-claims', rateLimiter: limiter() });
  const volumeQueue = new WorkQueue<string>({ name: 'local-path-volumes', rateLimiter: limiter() });

  const ours = (pv: PersistentVolume): boolean => pv.metadata?.annotations?.[ANN_PROVISIONED_BY] === LOCAL_PATH_PROVISIONER;
  claims.addEventHandler({ onAdd: (c) => claimQueue.add(objectKey(c)), onUpdate: (_o, c) => claimQueue.add(objectKey(c)) });
  volumes.addEventHandler({
    onAdd: (v) => { if (ours(v)) volumeQueue.add(objectKey(v)); },
    onUpdate: (_o, v) => { if (ours(v)) volumeQueue.add(objectKey(v)); },
  });
  classes.addEventHandler({
    onAdd: (sc) => { if (sc.provisioner === LOCAL_PATH_PROVISIONER) for (const k of claims.store.listKeys()) claimQueue.add(k); },
  });
  nodes.addEventHandler({
    onAdd: (n) => {
      for (const c of claims.store.list()) if (c.metadata?.annotations?.[ANN_SELECTED_NODE] === n.metadata?.name) claimQueue.add(objectKey(c));
    },
    onDelete: () => { for (const v of volumes.store.list()) if (awaitsLocalPathCleanup(v)) volumeQueue.add(objectKey(v)); },
  });

  const claimEvent = (c: PersistentVolumeClaim, type: 'Normal' | 'Warning', reason: string, message: string): void =>
    recorder.event(withKind(c, 'v1', 'PersistentVolumeClaim'), type, reason, message);

  /** Upstream's PV controller names the expected provisioner on the claim (setClaimProvisioner); ours does not, so the provisioner does. */
  const markProvisioner = async (claim: PersistentVolumeClaim): Promise<void> => {
    const a = claim.metadata?.annotations ?? {};
    if (a[ANN_STORAGE_PROVISIONER] === LOCAL_PATH_PROVISIONER && a[ANN_BETA_STORAGE_PROVISIONER] === LOCAL_PATH_PROVISIONER) return;
    await client.patch(RESOURCES.persistentvolumeclaims, claim.metadata!.name!, {
      metadata: { annotations: { [ANN_STORAGE_PROVISIONER]: LOCAL_PATH_PROVISIONER, [ANN_BETA_STORAGE_PROVISIONER]: LOCAL_PATH_PROVISIONER } },
    }, { namespace: claim.metadata!.namespace! });
  };

  const syncClaim = async (key: string): Promise<void> => {
    const claim = claims.store.get(key);
    if (!claim || claim.metadata?.deletionTimestamp || claim.spec?.volumeName) return;
    const sc = classes.store.get(claimClass(claim));
    if (!sc || sc.provisioner !== LOCAL_PATH_PROVISIONER) return;
    if (volumes.store.get(volumeNameFor(claim))) return;
    const selected = claim.metadata?.annotations?.[ANN_SELECTED_NODE];
    if (!selected) {
      // local-path volumes live on one node: without the scheduler's choice there is nothing to provision.
      if (sc.volumeBindingMode !== 'WaitForFirstConsumer') {
        claimEvent(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata?.name}": configuration error, no node was specified`);
      }
      return;
    }
    await markProvisioner(claim);
    const failed = (why: string): void =>
      claimEvent(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata?.name}": ${why}`);
    const why = unprovisionableReason(claim);
    if (why) { failed(why); return; }
    const node = nodes.store.get(selected);
    if (!node) {
      failed(`node "${selected}" not found`);
      return;
    }
    claimEvent(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${key}"`);
    const pv = localPathVolume(claim, sc, node);
    try {
      await client.create(RESOURCES.persistentvolumes, pv);
    } catch (e) {
      if (codeOf(e) === 409) return;
      failed(e instanceof Error ? e.message : String(e));
      throw e;
    }
    logger.info({ claim: key, volume: pv.metadata?.name, node: selected, path: pv.spec?.hostPath?.path }, 'provisioned local-path volume');
    claimEvent(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pv.metadata?.name}`);
  };

  const nodeOf = (pv: PersistentVolume): Node | undefined => {
    const hosts = new Set(volumeHostnames(pv));
    return nodes.store.list().find((n) => hosts.has(n.metadata?.labels?.[HOSTNAME_LABEL] ?? n.metadata?.name ?? ''));
  };

  const removeFinalizer = async (pv: PersistentVolume): Promise<void> => {
    const next = deepClone(pv);
    next.metadata!.finalizers = (next.metadata!.finalizers ?? []).filter((f) => f !== LOCAL_PATH_CLEANUP_FINALIZER);
    try {
      await client.update(RESOURCES.persistentvolumes, next);
    } catch (e) {
      if (codeOf(e) !== 404) throw e;
    }
  };

  const syncVolume = async (name: string): Promise<void> => {
    const pv = volumes.store.get(name);
    if (!pv || !ours(pv)) return;
    if (awaitsLocalPathCleanup(pv)) {
      const node = nodeOf(pv);
      if (node && node.metadata?.labels?.[SIMULATED_LABEL] !== 'true') return; // the node's agent removes the directory
      logger.info({ volume: name, node: node?.metadata?.name }, node ? 'simulated node: no directory to remove' : 'the volume\'s node is gone: its directory cannot be removed');
      await removeFinalizer(pv);
      return;
    }
    if (pv.metadata?.deletionTimestamp || pv.status?.phase !== 'Released' || pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return;
    try {
      await client.delete(RESOURCES.persistentvolumes, name, { preconditions: { uid: pv.metadata!.uid! } });
      logger.info({ volume: name }, 'deleting released local-path volume (reclaim policy Delete)');
    } catch (e) {
      if (codeOf(e) !== 404 && codeOf(e) !== 409) throw e;
    }
  };

  const informers = [claims, volumes, classes, nodes];
  const claimController = startController({ name: 'local-path-claims', queue: claimQueue, sync: syncClaim, informers, logger, workers: 2 });
  const volumeController = startController({ name: 'local-path-volumes', queue: volumeQueue, sync: syncVolume, informers, logger, workers: 2 });
  let stopped = false;
  const ensureClass = async (): Promise<void> => {
    for (let delay = 500; !stopped; delay = Math.min(delay * 2, 30_000)) {
      try {
        if (await ensureLocalPathStorageClass(client)) logger.info({}, 'created the default StorageClass local-path');
        return;
      } catch (e) {
        logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'creating the local-path StorageClass failed; retrying');
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
  };
  if (opts.ensureStorageClass !== false) void ensureClass();
  return {
    async stop() {
      stopped = true;
      await Promise.all([claimController.stop(), volumeController.stop()]);
    },
  };
}
