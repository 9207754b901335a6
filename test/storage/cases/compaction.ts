import assert from 'node:assert/strict';
import { CompactedError } from '../../../src/storage/store.js';
import type { StoreCase } from './case.js';
import { enc, record, text, tick } from './helpers.js';

export const compactionCases: StoreCase[] = [
  {
    name: 'compaction keeps the latest value of every live key and writes go on',
    async run(store) {
      let a = await store.create('/k/a', enc('a0'));
      for (let i = 1; i <= 3; i++) a = await store.update('/k/a', enc(`a${i}`), a.modRevision);
      await store.create('/k/b', enc('b'));
      await store.delete('/k/b');
      const c = await store.create('/k/c', enc('c'));
      const rev = await store.currentRevision();
      await store.compact(rev);
      assert.equal(await store.compactedRevision(), rev);
      assert.deepEqual((await store.list('/k/')).items.map((kv) => `${kv.key}=${text(kv.value)}@${kv.modRevision}`),
        [`/k/a=a3@${a.modRevision}`, `/k/c=c@${c.modRevision}`]);
      assert.equal(await store.count('/k/'), 2);
      assert.equal((await store.get('/k/a'))!.createRevision, a.createRevision);
      const a4 = await store.update('/k/a', enc('a4'), a.modRevision);
      assert.ok(a4.modRevision > rev);
      const b = await store.create('/k/b', enc('b2'));
      assert.ok(b.modRevision > a4.modRevision);
      await store.delete('/k/c', c.modRevision);
      assert.equal(await store.count('/k/'), 2);
      await store.compact(await store.currentRevision());
      assert.deepEqual((await store.list('/k/')).items.map((kv) => text(kv.value)), ['a4', 'b2']);
    },
  },
  {
    name: 'list below the compacted revision throws CompactedError; at it, it still reads the snapshot',
    async run(store) {
      const a = await store.create('/k/a', enc('1'));
      await store.create('/k/b', enc('1'));
      const rev = await store.currentRevision();
      await store.update('/k/a', enc('2'), a.modRevision);
      await store.delete('/k/b');
      await store.compact(rev);
      const err = await store.list('/k/', { revision: rev - 1 }).catch((e: unknown) => e);
      assert.ok(err instanceof CompactedError, String(err));
      assert.equal(err.compacted, rev);
      const at = await store.list('/k/', { revision: rev });
      assert.deepEqual(at.items.map((kv) => `${kv.key}=${text(kv.value)}`), ['/k/a=1', '/k/b=1']);
    },
  },
  {
    name: 'watch from below the compacted revision reports CompactedError asynchronously',
    async run(store) {
      for (let i = 0; i < 5; i++) await store.create(`/k/${i}`, enc('v'));
      await store.compact(4);
      let returned = false;
      const errors: Error[] = [];
      let events = 0;
      store.watch('/k/', 2, {
        onEvents() { events++; },
        onError(err) {
          assert.ok(returned, 'onError must not run inside watch()');
          errors.push(err);
        },
      });
      returned = true;
      await tick(30);
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof CompactedError, String(errors[0]));
      assert.equal(events, 0);
    },
  },
  {
    name: 'watch from the compacted revision itself delivers every later change',
    async run(store) {
      for (let i = 0; i < 5; i++) await store.create(`/k/${i}`, enc('v'));
      await store.delete('/k/0');
      const rev = await store.currentRevision();
      await store.compact(rev - 1);
      const rec = record(store, '/k/', rev - 1);
      const last = await store.create('/k/9', enc('v'));
      await rec.until(() => rec.events.length >= 2);
      await tick(20);
      assert.deepEqual(rec.events.map((e) => `${e.type}@${e.revision}`), [`delete@${rev}`, `put@${last.modRevision}`]);
      rec.watcher.stop();
    },
  },
  {
    name: 'compacting to an older or future revision is harmless',
    async run(store) {
      for (let i = 0; i < 5; i++) await store.create(`/k/${i}`, enc('v'));
      await store.compact(3);
      await store.compact(2);
      assert.equal(await store.compactedRevision(), 3);
      await store.compact(1000);
      assert.ok(await store.compactedRevision() <= await store.currentRevision());
      assert.equal(await store.count('/k/'), 5);
      const next = await store.create('/k/next', enc('v'));
      assert.ok(next.modRevision > 5);
    },
  },
];
