import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { StoreError } from '../../src/storage/store.js';
import { enc, text } from './cases/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'k8ts-writer-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const newFile = () => join(root, `w-${n++}.db`);

/** Renames the log table from a second connection, so the writer's transactions fail until it is renamed back. */
function renameLog(file: string, from: string, to: string): void {
  const db = new Database(file);
  try {
    db.exec(`ALTER TABLE ${from} RENAME TO ${to}`);
  } finally {
    db.close();
  }
}

describe('SqliteStore writer thread', () => {
  it('a batch that fails to commit rejects all its writes, takes no revision, and later batches go on', async () => {
    const file = newFile();
    const store = new SqliteStore(file);
    try {
      const first = await store.create('/w/first', enc('1'));
      renameLog(file, 'kv', 'kv_moved');
      const results = await Promise.allSettled([0, 1, 2].map((i) => store.create(`/w/${i}`, enc('v'))));
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        assert.ok(r.reason instanceof StoreError, String(r.reason));
        assert.match(r.reason.message, /write batch failed to commit/);
        assert.ok(r.reason.cause instanceof Error, 'the cause is kept');
      }
      assert.equal(await store.currentRevision(), first.modRevision);
      renameLog(file, 'kv_moved', 'kv');
      const next = await store.create('/w/next', enc('2'));
      assert.equal(next.modRevision, first.modRevision + 1, 'the failed batch took no revision');
      assert.equal(await store.get('/w/0'), undefined);
    } finally {
      await store.close();
    }
  });

  it('close() commits the writes queued before it and refuses later ones', async () => {
    const file = newFile();
    const store = new SqliteStore(file);
    const queued = Array.from({ length: 50 }, (_, i) => store.create(`/q/${i}`, enc(`${i}`)));
    const closing = store.close();
    await assert.rejects(store.create('/q/late', enc('x')), /store is closed/);
    const kvs = await Promise.all(queued);
    await closing;
    const reopened = new SqliteStore(file);
    try {
      assert.equal(await reopened.count('/q/'), 50);
      assert.equal(await reopened.currentRevision(), Math.max(...kvs.map((kv) => kv.modRevision)));
    } finally {
      await reopened.close();
    }
  });

  it('stored values are private copies: once a write resolved, the caller may reuse its array', async () => {
    const store = new SqliteStore(newFile());
    try {
      const bytes = enc('original');
      const kv = await store.create('/c/a', bytes);
      assert.notEqual(kv.value.buffer, bytes.buffer);
      bytes.fill(0x79);
      assert.equal(text(kv.value), 'original');
      assert.equal(text((await store.get('/c/a'))!.value), 'original');
    } finally {
      await store.close();
    }
  });

  it('keeps the process alive for an outstanding write, not after: an unclosed store lets the process exit', { timeout: 30_000 }, async () => {
    const script = fileURLToPath(new URL('./fixtures/unclosed-store.js', import.meta.url));
    const child = spawn(process.execPath, [script, newFile()], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
    clearTimeout(timer);
    assert.equal(signal, null, 'the process exited by itself (it was killed after 20 s otherwise)');
    assert.equal(code, 0);
    assert.equal(out.trim(), '1', 'the write resolved before the process exited');
  });
});
