import type { EncodedBatch, EncodedResults } from './batch-codec.js';
import type { SyncMode } from './schema.js';

/** What the writer thread starts from (its workerData). */
export interface WriterConfig {
  file: string;
  synchronous: SyncMode;
  /** The newest revision in the file: the writer assigns the ones after it. */
  revision: number;
}

/** Messages to the writer; it answers each with one FromWriter, in the order received. */
export type ToWriter =
  | { type: 'commit'; batch: EncodedBatch }
  | { type: 'compact'; lo: number; hi: number }
  | { type: 'close' };

/**
 * Answers: `committed` after COMMIT returned (with the batch's values buffer
 * handed back), `compacted` after a window's transaction, `closed` after the
 * connection closed, `failed` when the request's transaction did not commit.
 */
export type FromWriter =
  | { type: 'committed'; values: ArrayBuffer; results: EncodedResults }
  | { type: 'compacted' }
  | { type: 'closed' }
  | { type: 'failed'; message: string; code?: string };
