import assert from 'node:assert/strict';
import { ConflictError, KeyExistsError, KeyNotFoundError } from '../../../src/storage/store.js';
import type { StoreCase } from './case.js';
import { enc, text } from './helpers.js';

export const crudCases: StoreCase[] = [
  {
    name: 'revisions are global and strictly increasing across keys and kinds of write',
    async run(store) {
      assert.equal(await store.currentRevision(), 0);
      const a = await store.create('/r/a', enc('1'));
      const b = await store.create('/r/b', enc('1'));
      const a2 = await store.update('/r/a', enc('2'), a.modRevision);
      const d = await store.delete('/r/b');
      const revs = [a.modRevision, b.modRevision, a2.modRevision, d.modRevision];
      assert.ok(revs[0]! > 0);
      for (let i = 1; i < revs.length; i++) assert.ok(revs[i]! > revs[i - 1]!, `revisions ${revs.join(',')}`);
      assert.equal(await store.currentRevision(), d.modRevision);
    },
  },
  {
    name: 'create stores the key; creating an existing key throws KeyExistsError',
    async run(store) {
      const kv = await store.create('/c/a', enc('v'));
      assert.equal(kv.key, '/c/a');
      assert.equal(text(kv.value), 'v');
      assert.equal(kv.createRevision, kv.modRevision);
      const err = await store.create('/c/a', enc('w')).catch((e: unknown) => e);
      assert.ok(err instanceof KeyExistsError);
      assert.equal(err.key, '/c/a');
      assert.equal(text((await store.get('/c/a'))!.value), 'v');
      assert.equal(await store.currentRevision(), kv.modRevision, 'a failed create takes no revision');
    },
  },
  {
    name: 'get returns the latest value, undefined when absent or deleted',
    async run(store) {
      assert.equal(await store.get('/g/a'), undefined);
      const c = await store.create('/g/a', enc('1'));
      const u = await store.update('/g/a', enc('2'), c.modRevision);
      const got = await store.get('/g/a');
      assert.deepEqual({ ...got!, value: text(got!.value) }, { key: '/g/a', value: '2', createRevision: c.modRevision, modRevision: u.modRevision });
      await store.delete('/g/a');
      assert.equal(await store.get('/g/a'), undefined);
    },
  },
  {
    name: 'update with the current modRevision replaces the value and keeps createRevision',
    async run(store) {
      const c = await store.create('/u/a', enc('1'));
      const u = await store.update('/u/a', enc('2'), c.modRevision);
      assert.equal(text(u.value), '2');
      assert.equal(u.createRevision, c.createRevision);
      assert.ok(u.modRevision > c.modRevision);
    },
  },
  {
    name: 'update with a stale modRevision throws ConflictError carrying the current key-value',
    async run(store) {
      const c = await store.create('/u/a', enc('1'));
      const u = await store.update('/u/a', enc('2'), c.modRevision);
      const err = await store.update('/u/a', enc('3'), c.modRevision).catch((e: unknown) => e);
      assert.ok(err instanceof ConflictError, String(err));
      assert.equal(err.key, '/u/a');
      assert.equal(err.current.modRevision, u.modRevision);
      assert.equal(text(err.current.value), '2');
      assert.equal(text((await store.get('/u/a'))!.value), '2');
    },
  },
  {
    name: 'update of an absent or deleted key throws KeyNotFoundError',
    async run(store) {
      await assert.rejects(store.update('/u/none', enc('1'), 1), KeyNotFoundError);
      const c = await store.create('/u/a', enc('1'));
      await store.delete('/u/a');
      await assert.rejects(store.update('/u/a', enc('2'), c.modRevision), KeyNotFoundError);
    },
  },
  {
    name: 'delete without an expected revision returns the last value at the delete revision',
    async run(store) {
      const c = await store.create('/d/a', enc('last'));
      const d = await store.delete('/d/a');
      assert.equal(d.key, '/d/a');
      assert.equal(text(d.value), 'last');
      assert.equal(d.createRevision, c.createRevision);
      assert.ok(d.modRevision > c.modRevision);
      assert.equal(await store.currentRevision(), d.modRevision);
      await assert.rejects(store.delete('/d/a'), KeyNotFoundError);
      await assert.rejects(store.delete('/d/never'), KeyNotFoundError);
    },
  },
  {
    name: 'delete with an expected revision is compare-and-swap',
    async run(store) {
      const c = await store.create('/d/a', enc('1'));
      const u = await store.update('/d/a', enc('2'), c.modRevision);
      const err = await store.delete('/d/a', c.modRevision).catch((e: unknown) => e);
      assert.ok(err instanceof ConflictError, String(err));
      assert.equal(err.current.modRevision, u.modRevision);
      assert.ok(await store.get('/d/a'), 'a conflicting delete leaves the key');
      const d = await store.delete('/d/a', u.modRevision);
      assert.equal(text(d.value), '2');
      assert.equal(await store.get('/d/a'), undefined);
    },
  },
  {
    name: 'create after delete starts a new life with a new createRevision',
    async run(store) {
      const c1 = await store.create('/d/a', enc('1'));
      await store.delete('/d/a');
      const c2 = await store.create('/d/a', enc('2'));
      assert.ok(c2.createRevision > c1.createRevision);
      assert.equal(c2.createRevision, c2.modRevision);
      await store.delete('/d/a', c2.modRevision);
      const c3 = await store.create('/d/a', enc('3'));
      assert.equal(text((await store.get('/d/a'))!.value), '3');
      assert.equal((await store.get('/d/a'))!.createRevision, c3.modRevision);
    },
  },
];
