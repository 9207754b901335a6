import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTar, type TarEntry } from '../../src/kubelet/images/tar-writer.js';
import { readTarIndex, type RangeReader } from '../../src/kubelet/images/tar-reader.js';
import { findExecutable } from '../../src/kubelet/node-requirements.js';

const reader = (b: Buffer): RangeReader => async (pos, len) => b.subarray(pos, pos + len);

const LONG_DIR = `${'d'.repeat(120)}/${'e'.repeat(20)}`;
const VERY_LONG = 'x'.repeat(180);
const ENTRIES: TarEntry[] = [
  { name: 'bin', type: 'directory' },
  { name: 'bin/busybox', type: 'file', mode: 0o755, data: Buffer.from('#!binary') },
  { name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox' },
  { name: 'empty', type: 'file' },
  { name: `${LONG_DIR}/file.txt`, type: 'file', data: Buffer.alloc(1000, 'a') },
  { name: VERY_LONG, type: 'file', data: Buffer.from('pax') },
  { name: 'link-to-long', type: 'symlink', linkname: `/${'t'.repeat(150)}` },
];

test('what writeTar writes, readTarIndex reads back: names, types, data, links', async () => {
  const tar = writeTar(ENTRIES);
  assert.equal(tar.length % 512, 0);
  const index = await readTarIndex(reader(tar));
  assert.deepEqual([...index.keys()], ['bin', 'bin/busybox', 'bin/sh', 'empty', `${LONG_DIR}/file.txt`, VERY_LONG, 'link-to-long']);
  const data = (name: string): string => {
    const m = index.get(name)!;
    return tar.subarray(m.offset, m.offset + m.size).toString();
  };
  assert.equal(index.get('bin')?.type, 'directory');
  assert.equal(data('bin/busybox'), '#!binary');
  assert.deepEqual({ ...index.get('bin/sh') }, { name: 'bin/sh', type: 'symlink', offset: index.get('bin/sh')!.offset, size: 0, linkname: '/bin/busybox' });
  assert.equal(data('empty'), '');
  assert.equal(data(`${LONG_DIR}/file.txt`), 'a'.repeat(1000));
  assert.equal(data(VERY_LONG), 'pax');
  assert.equal(index.get('link-to-long')?.linkname, `/${'t'.repeat(150)}`);
});

test('archives are reproducible', () => {
  assert.ok(writeTar(ENTRIES).equals(writeTar(ENTRIES)));
});

test('GNU tar lists what writeTar writes, modes and links included', { skip: findExecutable('tar') ? false : 'no tar command' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-tar-'));
  try {
    writeFileSync(join(dir, 'a.tar'), writeTar(ENTRIES));
    const listing = execFileSync('tar', ['-tvf', join(dir, 'a.tar')], { encoding: 'utf8' }).trim().split('\n');
    assert.equal(listing.length, ENTRIES.length);
    assert.match(listing[1], /^-rwxr-xr-x root\/root +8 1970-01-01 00:00 bin\/busybox$/);
    assert.match(listing[2], /^lrwxrwxrwx root\/root +0 1970-01-01 00:00 bin\/sh -> \/bin\/busybox$/);
    assert.ok(listing[5].endsWith(VERY_LONG));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readTarIndex reads GNU tar archives: long names, ./ prefixes, hard links', { skip: findExecutable('tar') ? false : 'no tar command' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-tar-'));
  try {
    const src = join(dir, 'src');
    const deep = join(src, 'a'.repeat(90), 'b'.repeat(90));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'c'.repeat(90)), 'deep');
    writeFileSync(join(src, 'file'), 'f');
    symlinkSync('file', join(src, 'sym'));
    execFileSync('ln', [join(src, 'file'), join(src, 'hard')]);
    for (const format of ['gnu', 'posix']) {
      const out = join(dir, `${format}.tar`);
      execFileSync('tar', [`--format=${format}`, '-cf', out, '-C', src, '.']);
      const { readFile } = await import('node:fs/promises');
      const tar = await readFile(out);
      const index = await readTarIndex(reader(tar));
      const long = `${'a'.repeat(90)}/${'b'.repeat(90)}/${'c'.repeat(90)}`;
      assert.equal(index.get(long)?.type, 'file', format);
      const m = index.get(long)!;
      assert.equal(tar.subarray(m.offset, m.offset + m.size).toString(), 'deep', format);
      assert.equal(index.get('sym')?.linkname, 'file', format);
      const links = [index.get('hard'), index.get('file')].map((e) => e?.type).sort();
      assert.deepEqual(links, ['file', 'hardlink'], format);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readTarIndex refuses what is not a tar', async () => {
  await assert.rejects(readTarIndex(reader(Buffer.alloc(1024, 7))), /not a tar archive/);
  const tar = writeTar(ENTRIES);
  await assert.rejects(readTarIndex(reader(tar.subarray(0, 700))), /truncated tar header/);
});
