import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openStore } from '../../src/storage/index.js';

const root = mkdtempSync(join(tmpdir(), 'k8ts-open-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('openStore', () => {
  it('opens sqlite at <dataDir>/state.db and keeps data across reopen', async () => {
    const dataDir = join(root, 'data');
    const s1 = await openStore({ backend: 'sqlite', dataDir });
    assert.ok(existsSync(join(dataDir, 'state.db')));
    const kv = await s1.create('/a', new Uint8Array([7]));
    await s1.close();
    const s2 = await openStore({ backend: 'sqlite', dataDir, compactionIntervalMs: 5, historyRetentionMs: 0 });
    assert.equal((await s2.get('/a'))?.modRevision, kv.modRevision);
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(await s2.compactedRevision(), kv.modRevision, 'the compactor runs');
    await s2.close();
  });

  it('opens a memory store, and refuses sqlite without dataDir', async () => {
    const s = await openStore({ backend: 'memory' });
    await s.create('/a', new Uint8Array([1]));
    assert.equal(await s.count('/'), 1);
    await s.close();
    await assert.rejects(openStore({ backend: 'sqlite' }), /dataDir/);
  });
});
