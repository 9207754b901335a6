import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Compactor } from '../../src/storage/compactor.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';

const v = new Uint8Array([1]);

describe('Compactor', () => {
  it('compacts to the newest sampled revision older than the retention', async () => {
    const store = new MemoryStore();
    let now = 0;
    const compactor = new Compactor(store, { retentionMs: 300_000, now: () => now });
    assert.equal(await compactor.runOnce(), undefined);
    for (let i = 0; i < 3; i++) await store.create(`/a/${i}`, v);
    now = 100_000;
    assert.equal(await compactor.runOnce(), undefined, 'nothing is older than the retention yet');
    for (let i = 3; i < 6; i++) await store.create(`/a/${i}`, v);
    now = 300_000;
    assert.equal(await compactor.runOnce(), undefined, 'the revision sampled at t=0 is 0: nothing to compact');
    now = 400_000;
    assert.equal(await compactor.runOnce(), 3);
    assert.equal(await store.compactedRevision(), 3);
    now = 600_000;
    assert.equal(await compactor.runOnce(), 6);
    assert.equal(await store.count('/a/'), 6);
    await store.close();
  });

  it('maxRevisions bounds history whatever its age', async () => {
    const store = new MemoryStore();
    const compactor = new Compactor(store, { retentionMs: 3_600_000, maxRevisions: 4 });
    for (let i = 0; i < 10; i++) await store.create(`/a/${i}`, v);
    assert.equal(await compactor.runOnce(), 6);
    assert.equal(await compactor.runOnce(), undefined);
    await store.close();
  });

  it('start() runs on its interval and stop() ends it', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 5; i++) await store.create(`/a/${i}`, v);
    const compactor = new Compactor(store, { intervalMs: 10, retentionMs: 0 });
    compactor.start();
    await new Promise((r) => setTimeout(r, 60));
    await compactor.stop();
    assert.equal(await store.compactedRevision(), 5);
    await store.close();
  });
});
