export * from './store.js';
export { openStore, type OpenStoreOptions } from './open-store.js';
export { Compactor, type CompactorOptions } from './compactor.js';
export { MemoryStore } from './memory/memory-store.js';
export { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
