import { MemoryStore } from '../../src/storage/memory/memory-store.js';
import { runStoreConformance } from './conformance.js';

runStoreConformance({ name: 'memory', newStore: async () => new MemoryStore() });
