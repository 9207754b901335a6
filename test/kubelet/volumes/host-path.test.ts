/**
 * hostPath types against the real file system: the *OrCreate types make
 * what is missing, the others check it, with upstream's error texts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHostPathType } from '../../../src/kubelet/volumes/index.js';

test('hostPath types: create, check, refuse with upstream\'s messages', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-hp-'));
  const server = createServer();
  try {
    const sock = join(dir, 'sock');
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    const f = join(dir, 'file');
    writeFileSync(f, 'x');
    const d = join(dir, 'dir');
    mkdirSync(d);

    checkHostPathType(join(dir, 'new/deep'), 'DirectoryOrCreate');
    assert.ok(statSync(join(dir, 'new/deep')).isDirectory());
    assert.equal(statSync(join(dir, 'new/deep')).mode & 0o777, 0o755 & ~process.umask());
    checkHostPathType(join(dir, 'made'), 'FileOrCreate');
    assert.ok(statSync(join(dir, 'made')).isFile());
    assert.throws(() => checkHostPathType(f, 'DirectoryOrCreate'), { message: `hostPath type check failed: ${f} is not a directory` });
    assert.throws(() => checkHostPathType(d, 'FileOrCreate'), { message: `hostPath type check failed: ${d} is not a file` });

    checkHostPathType(d, 'Directory');
    assert.throws(() => checkHostPathType(join(dir, 'missing'), 'Directory'), { message: `hostPath type check failed: ${join(dir, 'missing')} is not a directory` });
    checkHostPathType(f, 'File');
    assert.throws(() => checkHostPathType(d, 'File'), { message: `hostPath type check failed: ${d} is not a file` });
    checkHostPathType(sock, 'Socket');
    assert.throws(() => checkHostPathType(f, 'Socket'), { message: `hostPath type check failed: ${f} is not a socket file` });
    checkHostPathType('/dev/null', 'CharDevice');
    assert.throws(() => checkHostPathType(f, 'CharDevice'), { message: `hostPath type check failed: ${f} is not a character device` });
    assert.throws(() => checkHostPathType('/dev/null', 'BlockDevice'), { message: 'hostPath type check failed: /dev/null is not a block device' });
    checkHostPathType(join(dir, 'missing'), '');
    assert.throws(() => statSync(join(dir, 'missing')), /ENOENT/, 'the unchecked type creates nothing');
    assert.throws(() => checkHostPathType(d, 'Sideways'), { message: 'Sideways is an invalid volume type' });
    assert.throws(() => checkHostPathType('relative', 'Directory'), /not an absolute path/);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
