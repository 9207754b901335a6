/**
 * The real mount(8) path: a memory emptyDir is a tmpfs of its sizeLimit,
 * a bind mount is read-only when asked, and teardown leaves no mount and
 * no pod dir. Needs root.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { SystemMounter, VolumeManager, mountPointsUnder } from '../../../src/kubelet/index.js';

const skip = process.getuid?.() === 0 ? false : 'needs root (mount)';

test('tmpfs and bind mounts, then teardown leaves nothing', { skip }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-mnt-'));
  const mounter = new SystemMounter();
  try {
    const vm = new VolumeManager({ rootDir: root, podObjects: { configMap: async () => undefined, secret: async () => undefined, services: async () => [] }, mounter });
    const r = await vm.setUp({ metadata: { name: 'p', namespace: 'ns', uid: 'u' }, spec: { containers: [], volumes: [{ name: 'm', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }] } });
    const dir = r.volumes.get('m')!.path;
    const line = readFileSync('/proc/self/mounts', 'utf8').split('\n').find((l) => l.split(' ')[1] === dir) ?? '';
    assert.match(line, /^tmpfs .* tmpfs .*size=8192k/);
    const src = join(root, 'src');
    mkdirSync(src);
    const target = join(root, 'pods', 'u', 'volumes', 'b');
    mkdirSync(target, { recursive: true });
    await mounter.bind(src, target, true);
    assert.throws(() => writeFileSync(join(target, 'x'), 'x'), /EROFS/);
    assert.deepEqual(mountPointsUnder(join(root, 'pods', 'u')), [dir, target].sort((a, b) => b.length - a.length));
    await vm.tearDown('u');
    assert.deepEqual(mountPointsUnder(root), []);
    assert.equal(existsSync(join(root, 'pods', 'u')), false);
    assert.ok(existsSync(src), 'the bind source survives');
  } finally {
    for (const m of mountPointsUnder(root)) execFileSync('umount', ['-l', m]);
    rmSync(root, { recursive: true, force: true });
  }
});
