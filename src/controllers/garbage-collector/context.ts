/** What the garbage collector's sync functions share. */
import type { Logger } from '../../api/log.js';
import type { RestClient } from '../../client/rest-client.js';
import type { AbsentOwnerCache } from './absent-owner-cache.js';
import type { OwnerGraph } from './graph.js';
import type { RestMapper } from './rest-mapper.js';

export interface GcContext {
  client: RestClient;
  graph: OwnerGraph;
  /** The mapping from the latest discovery. */
  mapper(): RestMapper;
  absent: AbsentOwnerCache;
  logger: Logger;
  /** Queues a uid on the attemptToDelete queue after `ms`. */
  requeueDeleteAfter(uid: string, ms: number): void;
  /** How often a virtual owner found alive (perhaps of a kind not watched) is looked up again. */
  virtualRecheckMs: number;
}
