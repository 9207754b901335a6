/**
 * What the PV controller's claim and volume syncs share: the caches they
 * read, the client they write with, and the queues they poke.
 */
import type { Node, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { Logger } from '../../api/log.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { ObjectStoreReader } from '../../client/object-store.js';
import type { RestClient } from '../../client/rest-client.js';

export interface BinderContext {
  client: RestClient;
  recorder: EventRecorder;
  logger: Logger;
  volumes: ObjectStoreReader<PersistentVolume>;
  claims: ObjectStoreReader<PersistentVolumeClaim>;
  classes: ObjectStoreReader<StorageClass>;
  nodes: ObjectStoreReader<Node>;
  /** Queues a claim (`namespace/name`) for its sync. */
  enqueueClaim(key: string): void;
  /** Queues a volume (its name) for its sync. */
  enqueueVolume(name: string): void;
}
