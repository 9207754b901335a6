import { Worker } from 'node:worker_threads';
import { StoreError } from '../store.js';
import { transferList, type EncodedBatch, type EncodedResults } from './batch-codec.js';
import type { FromWriter, ToWriter, WriterConfig } from './writer-messages.js';

/** A batch's answer: its results, and its values buffer handed back. */
export interface Committed {
  values: ArrayBuffer;
  results: EncodedResults;
}

/**
 * The store's handle on its writer thread (writer-worker.ts). Requests are
 * carried out one at a time in the order made; each promise settles only
 * when the writer's transaction returned (or failed, or the thread died:
 * then every request outstanding and every later one rejects).
 */
export interface WriterThread {
  /** Commits one batch; the batch's values buffer is transferred away until the answer hands it back. */
  commit(batch: EncodedBatch): Promise<Committed>;
  /** Compacts revisions (lo, hi] in one transaction. */
  compact(lo: number, hi: number): Promise<void>;
  /** Closes the write connection after every request made before, and waits for the thread to exit. */
  close(): Promise<void>;
}

interface Pending {
  resolve: (m: FromWriter) => void;
  reject: (err: Error) => void;
}

/**
 * Starts the writer thread. It keeps the process alive only while a request
 * is outstanding, so an idle store does not hold a process open.
 */
export function startWriterThread(config: WriterConfig): WriterThread {
  const worker = new Worker(new URL('./writer-worker.js', import.meta.url), { workerData: config, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  const pending: Pending[] = [];
  let dead: Error | undefined;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const die = (err: Error): void => {
    dead ??= err;
    for (const p of pending.splice(0)) p.reject(dead);
  };
  worker.on('message', (m: FromWriter) => {
    const p = pending.shift();
    if (pending.length === 0) worker.unref();
    if (!p) return;
    if (m.type === 'failed') p.reject(Object.assign(new Error(m.message), m.code === undefined ? {} : { code: m.code }));
    else p.resolve(m);
  });
  worker.on('error', (err) => die(new StoreError('sqlite writer thread failed', { cause: err })));
  worker.on('exit', (code) => die(new StoreError(`sqlite writer thread exited (code ${code})`)));
  // After the listeners: adding a 'message' listener refs the worker's port again.
  worker.unref();

  const request = (m: ToWriter, transfer: ArrayBuffer[] = []): Promise<FromWriter> => new Promise((resolve, reject) => {
    if (dead) {
      reject(dead);
      return;
    }
    if (pending.length === 0) worker.ref();
    pending.push({ resolve, reject });
    worker.postMessage(m, transfer);
  });

  return {
    async commit(batch) {
      const m = await request({ type: 'commit', batch }, transferList(batch));
      if (m.type !== 'committed') throw new StoreError(`sqlite writer answered ${m.type} to commit`);
      return m;
    },
    async compact(lo, hi) {
      await request({ type: 'compact', lo, hi });
    },
    async close() {
      if (dead) return;
      try {
        await request({ type: 'close' });
      } catch {
        await worker.terminate();
      }
      worker.ref();
      await exited;
    },
  };
}
