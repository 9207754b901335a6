/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs in
 * the committing connection and copies pages back into the database file
 * synchronously, stalling every request for tens of milliseconds. The store
 * turns it off (wal_autocheckpoint = 0) and this worker thread, with its own
 * connection to the same file, runs PASSIVE checkpoints on a schedule: they
 * never block the writer, and a crash at any point loses nothing.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const tick = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { parentPort.postMessage({ error: String(e && e.message || e) }); }
};
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'stop') { clearInterval(timer); tick(); db.close(); parentPort.postMessage('stopped'); }
});
`;

/** The checkpointer allocates almost nothing: a small young generation keeps its isolate lean. */
const SMALL_HEAP = { maxYoungGenerationSizeMb: 1 };

export interface Checkpointer {
  stop(): Promise<void>;
}

/** Starts checkpointing `file` every intervalMs. @param intervalMs @default 500 */
export function startCheckpointer(file: string, intervalMs = 500): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { file, intervalMs, driver }, resourceLimits: SMALL_HEAP });
  worker.on('message', (m: unknown) => {
    if (typeof m === 'object' && m && 'error' in m) process.emitWarning(`sqlite checkpoint failed: ${String((m as { error: string }).error)}`);
  });
  // After the listener: adding a 'message' listener refs the worker's port again.
  worker.unref();
  return {
    stop: () => new Promise<void>((resolve) => {
      const done = (): void => { void worker.terminate().finally(resolve); };
      worker.ref();
      worker.once('message', (m) => { if (m === 'stopped') done(); });
      worker.once('error', done);
      worker.postMessage('stop');
      setTimeout(done, 2000).unref();
    }),
  };
}
