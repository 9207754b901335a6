import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Compactor } from './compactor.js';
import { MemoryStore } from './memory/memory-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  backend: 'sqlite' | 'memory';
  /** Directory of the sqlite file `<dataDir>/state.db` (created when absent); required for sqlite. */
  dataDir?: string;
  /** How long history stays readable. @default 300_000 (5 minutes) */
  historyRetentionMs?: number;
  /** How often compaction runs. @default 60_000 (1 minute) */
  compactionIntervalMs?: number;
  /**
   * sqlite durability: 'full' fsyncs every commit (survives power loss);
   * 'normal' survives kill -9 but may lose the last commits on power loss.
   * @default 'full'
   */
  sqliteSynchronous?: 'full' | 'normal';
}

/** Opens a store with its compactor running; the store's close() stops the compactor first. */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const store = await openBackend(opts);
  const compactor = new Compactor(store, {
    retentionMs: opts.historyRetentionMs,
    intervalMs: opts.compactionIntervalMs,
  });
  compactor.start();
  return withBeforeClose(store, () => compactor.stop());
}

async function openBackend(opts: OpenStoreOptions): Promise<Store> {
  if (opts.backend === 'memory') return new MemoryStore();
  if (!opts.dataDir) throw new Error('openStore: the sqlite backend needs dataDir');
  await mkdir(opts.dataDir, { recursive: true });
  return new SqliteStore(join(opts.dataDir, 'state.db'), { synchronous: opts.sqliteSynchronous ?? 'full' });
}

function withBeforeClose(store: Store, beforeClose: () => Promise<void>): Store {
  return {
    currentRevision: () => store.currentRevision(),
    compactedRevision: () => store.compactedRevision(),
    get: (key) => store.get(key),
    list: (prefix, o) => store.list(prefix, o),
    count: (prefix) => store.count(prefix),
    create: (key, value) => store.create(key, value),
    update: (key, value, rev) => store.update(key, value, rev),
    delete: (key, rev) => store.delete(key, rev),
    watch: (prefix, from, listener) => store.watch(prefix, from, listener),
    compact: (rev) => store.compact(rev),
    close: async () => {
      await beforeClose();
      await store.close();
    },
  };
}
