import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { runStoreConformance } from './conformance.js';

const root = mkdtempSync(join(tmpdir(), 'k8ts-sqlite-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

runStoreConformance({
  name: 'sqlite',
  newStore: async () => new SqliteStore(join(root, `store-${n++}.db`)),
});
