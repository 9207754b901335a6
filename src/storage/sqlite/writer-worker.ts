/**
 * The writer thread of SqliteStore (started by writer-thread.ts). It owns the
 * file's only write connection and does all the work that blocks on the disk:
 * each batch's transaction (the CAS checks, revision assignment, COMMIT with
 * its fsync) and each compaction window. Requests are handled one at a time
 * in arrival order, and each is answered only after its transaction returned.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeBatch, encodeResults, transferList } from './batch-codec.js';
import { prepareCompactWindow } from './compaction.js';
import { openDatabase } from './schema.js';
import { prepareStatements } from './statements.js';
import { applyWrite, type WriteRequest, type WriteResult } from './write-op.js';
import type { FromWriter, ToWriter, WriterConfig } from './writer-messages.js';

const port = parentPort!;
const config = workerData as WriterConfig;
const db = openDatabase(config.file, config.synchronous);
db.pragma('wal_autocheckpoint = 0');
const stmts = prepareStatements(db);
const compactWindow = prepareCompactWindow(db, stmts);
let revision = config.revision;

const commitBatch = db.transaction((reqs: WriteRequest[]): WriteResult[] => reqs.map((req) => {
  const result = applyWrite(stmts, req, revision + 1);
  if (result.status === 'ok') revision++;
  return result;
}));

function handle(m: ToWriter): void {
  switch (m.type) {
    case 'commit': {
      const before = revision;
      let results: WriteResult[];
      try {
        results = commitBatch.immediate(decodeBatch(m.batch));
      } catch (err) {
        revision = before;
        throw err;
      }
      const encoded = encodeResults(results);
      reply({ type: 'committed', values: m.batch.values, results: encoded }, [m.batch.values, ...transferList(encoded)]);
      return;
    }
    case 'compact':
      compactWindow(m.lo, m.hi);
      reply({ type: 'compacted' });
      return;
    case 'close':
      db.close();
      reply({ type: 'closed' });
      port.close();
  }
}

function reply(m: FromWriter, transfer: ArrayBuffer[] = []): void {
  port.postMessage(m, transfer);
}

port.on('message', (m: ToWriter) => {
  try {
    handle(m);
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
    reply({ type: 'failed', message: err instanceof Error ? err.message : String(err), code });
  }
});
