import assert from 'node:assert/strict';
import type { WatchEvent } from '../../../src/storage/store.js';
import type { StoreCase } from './case.js';
import { enc, inParallel, record, text, tick } from './helpers.js';

const brief = (e: WatchEvent) => ({
  type: e.type, key: e.kv.key, value: text(e.kv.value), rev: e.revision, mod: e.kv.modRevision,
  prev: e.prevKv ? `${text(e.prevKv.value)}@${e.prevKv.modRevision}` : undefined,
});

export const watchCases: StoreCase[] = [
  {
    name: 'watch delivers every later change under the prefix in order, with prevKv and delete events',
    async run(store) {
      const a1 = await store.create('/w/a', enc('a1'));
      const rec = record(store, '/w/', a1.modRevision);
      const a2 = await store.update('/w/a', enc('a2'), a1.modRevision);
      await store.create('/x/outside', enc('o'));
      const b1 = await store.create('/w/b', enc('b1'));
      const d = await store.delete('/w/a');
      await rec.until(() => rec.events.length >= 3);
      await tick(20);
      assert.deepEqual(rec.errors, []);
      assert.deepEqual(rec.events.map(brief), [
        { type: 'put', key: '/w/a', value: 'a2', rev: a2.modRevision, mod: a2.modRevision, prev: `a1@${a1.modRevision}` },
        { type: 'put', key: '/w/b', value: 'b1', rev: b1.modRevision, mod: b1.modRevision, prev: undefined },
        { type: 'delete', key: '/w/a', value: 'a2', rev: d.modRevision, mod: d.modRevision, prev: `a2@${a2.modRevision}` },
      ]);
      assert.equal(rec.events[1]!.kv.createRevision, b1.modRevision);
      rec.watcher.stop();
    },
  },
  {
    name: 'watch from an older revision backfills history, then continues live, exactly once',
    async run(store) {
      const revs: number[] = [];
      for (let i = 0; i < 10; i++) revs.push((await store.create(`/w/${i}`, enc(`${i}`))).modRevision);
      const from = revs[2]!;
      const rec = record(store, '/w/', from);
      for (let i = 10; i < 15; i++) revs.push((await store.create(`/w/${i}`, enc(`${i}`))).modRevision);
      const last = revs[revs.length - 1]!;
      await rec.until(() => rec.events.at(-1)?.revision === last);
      await tick(20);
      assert.deepEqual(rec.events.map((e) => e.revision), revs.filter((r) => r > from));
      rec.watcher.stop();
    },
  },
  {
    name: 'watch loses and repeats nothing when writes land while a long backfill runs',
    async run(store) {
      const matching: number[] = [];
      const write = async (i: number) => {
        const key = i % 2 === 0 ? `/bf/${i}` : `/other/${i}`;
        const kv = await store.create(key, enc(`${i}`));
        if (i % 2 === 0) matching.push(kv.modRevision);
      };
      await inParallel(5000, 100, write);
      const rec = record(store, '/bf/', 0);
      await inParallel(600, 20, (i) => write(5000 + i));
      matching.sort((x, y) => x - y);
      const last = matching[matching.length - 1]!;
      await rec.until(() => (rec.events.at(-1)?.revision ?? 0) >= last || rec.errors.length > 0, 30_000);
      await tick(20);
      assert.deepEqual(rec.errors, []);
      const got = rec.events.map((e) => e.revision);
      assert.equal(got.length, matching.length);
      assert.deepEqual(got, matching);
      rec.watcher.stop();
    },
  },
  {
    name: 'stop() ends delivery, also when called from inside onEvents',
    async run(store) {
      const rec = record(store, '/st/', 0);
      await store.create('/st/a', enc('1'));
      await rec.until(() => rec.events.length === 1);
      rec.watcher.stop();
      rec.watcher.stop();
      await store.create('/st/b', enc('1'));
      await tick(30);
      assert.equal(rec.events.length, 1);

      let calls = 0;
      const w = store.watch('/st/', 0, {
        onEvents() { calls++; w.stop(); },
        onError(err) { throw err; },
      });
      await tick(30);
      await store.create('/st/c', enc('1'));
      await tick(30);
      assert.equal(calls, 1);
    },
  },
  {
    name: 'watch from a future revision waits for it',
    async run(store) {
      await store.create('/f/a', enc('1'));
      const rec = record(store, '/f/', 3);
      await store.create('/f/b', enc('2'));
      await store.create('/f/c', enc('3'));
      const d = await store.create('/f/d', enc('4'));
      await rec.until(() => rec.events.length >= 1);
      await tick(20);
      assert.deepEqual(rec.events.map((e) => e.revision), [d.modRevision]);
      rec.watcher.stop();
    },
  },
];
