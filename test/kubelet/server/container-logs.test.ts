/**
 * /containerLogs' reading of CRI log files: partial lines joined, tail,
 * timestamps, limits, since, follow across a rotation, and bad queries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CriLogDecoder, parseLogOptions, writeContainerLogs, type LogOptions } from '../../../src/kubelet/server/container-logs.js';

const LOG = [
  '2026-01-01T00:00:01.000000001Z stdout F one',
  '2026-01-01T00:00:02.5Z stderr P tw',
  '2026-01-01T00:00:02.6Z stderr F o',
  'garbage',
  '2026-01-01T00:00:03Z stdout F three',
  '',
].join('\n');

async function read(path: string, o: Partial<LogOptions> & { isRunning?: () => Promise<boolean>; pollMs?: number }): Promise<string> {
  const out = new PassThrough();
  let s = '';
  out.on('data', (d: Buffer) => { s += d.toString(); });
  await writeContainerLogs(path, out, { follow: false, previous: false, timestamps: false, ...o });
  return s;
}

test('container logs: lines, tail, timestamps, limitBytes and since', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-clogs-'));
  try {
    const path = join(dir, '0.log');
    writeFileSync(path, LOG);
    assert.equal(await read(path, {}), 'one\ntwo\nthree\n');
    assert.equal(await read(path, { tailLines: 2 }), 'two\nthree\n');
    assert.equal(await read(path, { tailLines: 0 }), '');
    assert.equal(await read(path, { timestamps: true, tailLines: 1 }), '2026-01-01T00:00:03Z three\n');
    assert.equal(await read(path, { timestamps: true, tailLines: 2 }).then((s) => s.split('\n')[0]), '2026-01-01T00:00:02.5Z two');
    assert.equal(await read(path, { limitBytes: 6 }), 'one\ntw');
    assert.equal(await read(path, { sinceMs: Date.parse('2026-01-01T00:00:02Z') }), 'two\nthree\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('container logs: follow reads appended lines, follows a rotation, and ends when the container stops', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-clogs-'));
  try {
    const path = join(dir, '0.log');
    writeFileSync(path, '2026-01-01T00:00:01Z stdout F first\n');
    let running = true;
    const done = read(path, { follow: true, pollMs: 20, isRunning: async () => running });
    await new Promise((r) => setTimeout(r, 100));
    appendFileSync(path, '2026-01-01T00:00:02Z stdout F second\n');
    await new Promise((r) => setTimeout(r, 100));
    renameSync(path, `${path}.20260101-000002`);
    writeFileSync(path, '2026-01-01T00:00:03Z stdout F third\n');
    await new Promise((r) => setTimeout(r, 150));
    running = false;
    assert.equal(await done, 'first\nsecond\nthird\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('container log queries: upstream\'s parameters, bad values refused', () => {
  const q = (s: string): ReturnType<typeof parseLogOptions> => parseLogOptions(new URLSearchParams(s), 10_000);
  assert.deepEqual(q('follow=true&tailLines=5&timestamps=1&limitBytes=10&sinceSeconds=3'), { follow: true, previous: false, timestamps: true, tailLines: 5, limitBytes: 10, sinceMs: 7000 });
  assert.deepEqual(q('previous=true&sinceTime=1970-01-01T00:00:05Z'), { follow: false, previous: true, timestamps: false, sinceMs: 5000 });
  assert.equal(q('tailLines=-1'), 'invalid tailLines "-1": want a non-negative integer');
  assert.equal(q('limitBytes=0'), 'invalid limitBytes "0": want a positive integer');
  assert.equal(q('follow=maybe'), 'invalid follow "maybe": want true or false');
  assert.equal(q('sinceTime=yesterday'), 'invalid sinceTime "yesterday": want an RFC 3339 time');
  assert.equal(q('sinceSeconds=1&sinceTime=1970-01-01T00:00:05Z'), 'at most one of sinceTime or sinceSeconds may be specified');
  const d = new CriLogDecoder();
  assert.deepEqual(d.push('2026-01-01T00:00:01Z stdout P ab'), []);
  assert.deepEqual(d.push('c\n2026-01-01T00:00:02Z stdout F d\n'), [{ time: '2026-01-01T00:00:01Z', text: 'abcd\n' }]);
});
