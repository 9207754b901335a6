/**
 * The AtomicWriter's layout and its update rules against a real dir:
 * timestamped payload dir, `..data` swapped by rename, per-key symlinks,
 * removals, modes, unchanged payloads left alone, bad paths refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATA_DIR_NAME, validatePath, writePayload, type Payload } from '../../../src/kubelet/volumes/index.js';

const file = (s: string, mode = 0o644) => ({ data: Buffer.from(s), mode });

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-aw-'));
  try { fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('first write: a timestamped dir, ..data pointing at it, key -> ..data/key, modes applied', () => withDir((dir) => {
  const changed = writePayload(dir, new Map([['a', file('1')], ['sub/b', file('2', 0o400)]]), new Date(Date.UTC(2026, 11, 7, 18, 40, 0)));
  assert.equal(changed, true);
  const ts = readlinkSync(join(dir, DATA_DIR_NAME));
  assert.match(ts, /^\.\.2026_12_07_18_40_00\.\d+$/);
  assert.equal(statSync(join(dir, ts)).mode & 0o777, 0o755);
  assert.equal(readlinkSync(join(dir, 'a')), '..data/a');
  assert.equal(readlinkSync(join(dir, 'sub')), '..data/sub');
  assert.equal(readFileSync(join(dir, 'sub', 'b'), 'utf8'), '2');
  assert.equal(statSync(join(dir, 'a')).mode & 0o777, 0o644);
  assert.equal(statSync(join(dir, 'sub', 'b')).mode & 0o777, 0o400);
  assert.deepEqual(readdirSync(dir).sort(), [DATA_DIR_NAME, ts, 'a', 'sub'].sort());
}));

test('an unchanged payload changes nothing; a change swaps ..data, drops the old dir and removed keys', () => withDir((dir) => {
  writePayload(dir, new Map([['a', file('1')], ['gone', file('x')]]));
  const first = readlinkSync(join(dir, DATA_DIR_NAME));
  assert.equal(writePayload(dir, new Map([['a', file('1')], ['gone', file('x')]])), false);
  assert.equal(readlinkSync(join(dir, DATA_DIR_NAME)), first);

  assert.equal(writePayload(dir, new Map([['a', file('2')], ['new', file('n')]])), true);
  const second = readlinkSync(join(dir, DATA_DIR_NAME));
  assert.notEqual(second, first);
  assert.equal(existsSync(join(dir, first)), false, 'old payload dir removed');
  assert.equal(existsSync(join(dir, '..data_tmp')), false);
  assert.equal(readFileSync(join(dir, 'a'), 'utf8'), '2');
  assert.equal(readFileSync(join(dir, 'new'), 'utf8'), 'n');
  assert.throws(() => lstatSync(join(dir, 'gone')), /ENOENT/, 'a key removed from the source disappears');
}));

test('a mode change alone is a change', () => withDir((dir) => {
  writePayload(dir, new Map([['a', file('1', 0o644)]]));
  assert.equal(writePayload(dir, new Map([['a', file('1', 0o600)]])), true);
  assert.equal(statSync(join(dir, 'a')).mode & 0o777, 0o600);
}));

test('an empty payload leaves only ..data and its empty dir', () => withDir((dir) => {
  writePayload(dir, new Map([['a', file('1')]]));
  writePayload(dir, new Map() as Payload);
  assert.deepEqual(readdirSync(dir).filter((n) => !n.startsWith('..')), []);
}));

test('paths: relative, no "..", no leading ".."', () => {
  assert.throws(() => validatePath('/abs'), /must be relative path/);
  assert.throws(() => validatePath('a/../b'), /must not contain '\.\.'/);
  assert.throws(() => validatePath('..data'), /must not start with '\.\.'/);
  assert.throws(() => validatePath(''), /must not be empty/);
  validatePath('a/b.c');
  withDir((dir) => assert.throws(() => writePayload(dir, new Map([['../x', file('1')]])), /must not contain/));
});
