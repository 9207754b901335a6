import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';

const root = mkdtempSync(join(tmpdir(), 'k8ts-crash-'));
after(() => rmSync(root, { recursive: true, force: true }));
const writer = fileURLToPath(new URL('./fixtures/crash-writer.js', import.meta.url));
const enc = (s: string) => new TextEncoder().encode(s);

/** Runs the writer until it acknowledged `acks` writes, then SIGKILLs it; returns key -> revision of every ack. */
async function writeThenKill(file: string, acks: number): Promise<Map<string, number>> {
  const child = spawn(process.execPath, [writer, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const acked = new Map<string, number>();
  for await (const line of createInterface({ input: child.stdout })) {
    const [key, rev] = line.split(' ');
    acked.set(key!, Number(rev));
    if (acked.size === acks) child.kill('SIGKILL');
  }
  assert.equal(await exited, 'SIGKILL', 'the writer died by SIGKILL, mid-stream');
  return acked;
}

describe('SqliteStore durability', () => {
  it('every write acknowledged before kill -9 is present with its revision after reopen', { timeout: 60_000 }, async () => {
    const file = join(root, 'crash.db');
    const acked = await writeThenKill(file, 2000);
    assert.ok(acked.size >= 2000);
    const store = new SqliteStore(file);
    try {
      for (const [key, rev] of acked) {
        const kv = await store.get(key);
        assert.equal(kv?.modRevision, rev, `acknowledged write ${key}@${rev}`);
      }
      const lastAcked = Math.max(...acked.values());
      assert.ok(await store.currentRevision() >= lastAcked);
      const next = await store.create('/after/crash', enc('v'));
      assert.ok(next.modRevision > lastAcked, `next revision ${next.modRevision} > ${lastAcked}`);
    } finally {
      await store.close();
    }
  });

  it('reopen keeps the revision counter, also when compaction dropped the newest rows', async () => {
    const file = join(root, 'reopen.db');
    const s1 = new SqliteStore(file);
    await s1.create('/r/a', enc('1'));
    const b = await s1.create('/r/b', enc('1'));
    const d = await s1.delete('/r/b', b.modRevision);
    await s1.compact(d.modRevision);
    await s1.close();
    const s2 = new SqliteStore(file);
    try {
      assert.equal(await s2.currentRevision(), d.modRevision);
      assert.equal(await s2.compactedRevision(), d.modRevision);
      assert.equal(await s2.count('/r/'), 1);
      const c = await s2.create('/r/b', enc('2'));
      assert.equal(c.modRevision, d.modRevision + 1);
    } finally {
      await s2.close();
    }
  });
});
