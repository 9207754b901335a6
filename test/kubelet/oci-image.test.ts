import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildOciImage, sha256Digest } from '../../src/kubelet/images/oci-layout.js';
import { openArchiveBuffer } from '../../src/kubelet/images/archive.js';
import { writeTar } from '../../src/kubelet/images/tar-writer.js';
import { inspectElf } from '../../src/kubelet/images/elf.js';
import { busyboxRootfs } from '../../src/kubelet/images/busybox-rootfs.js';
import { buildPauseImage, PAUSE_IMAGE } from '../../src/kubelet/images/pause-image.js';
import { buildBusyboxImage } from '../../src/kubelet/images/busybox-image.js';

const LAYER = writeTar([{ name: 'hello', type: 'file', data: Buffer.from('hi\n') }]);

function build(): ReturnType<typeof buildOciImage> {
  return buildOciImage({ name: 'localhost/test/hello:v1', layers: [LAYER], config: { Entrypoint: ['/hello'] }, architecture: 'amd64' });
}

test('an OCI layout archive: oci-layout, index.json naming the image, blobs under their digests', async () => {
  const image = build();
  const archive = await openArchiveBuffer('test', image.archive);
  assert.deepEqual([...archive.members.keys()].sort(), [
    'blobs', 'blobs/sha256', ...[image.config, image.manifest, ...image.layers].map((d) => `blobs/sha256/${d.digest.slice(7)}`).sort(),
    'index.json', 'oci-layout',
  ].sort());
  const file = async (name: string): Promise<Buffer> => {
    const m = archive.member(name)!;
    return archive.read(m.offset, m.size);
  };
  assert.deepEqual(JSON.parse((await file('oci-layout')).toString()), { imageLayoutVersion: '1.0.0' });
  for (const [name, m] of archive.members) {
    if (!name.startsWith('blobs/sha256/')) continue;
    const data = await file(name);
    assert.equal(createHash('sha256').update(data).digest('hex'), name.slice('blobs/sha256/'.length), `${name} is named by its digest`);
    assert.equal(data.length, m.size);
  }
  const index = JSON.parse((await file('index.json')).toString());
  assert.deepEqual(index.manifests, [{
    mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: image.manifest.digest, size: image.manifest.size,
    annotations: { 'io.containerd.image.name': 'localhost/test/hello:v1', 'org.opencontainers.image.ref.name': 'v1' },
    platform: { architecture: 'amd64', os: 'linux' },
  }]);
  const manifest = JSON.parse((await file(`blobs/sha256/${image.manifest.digest.slice(7)}`)).toString());
  assert.deepEqual(manifest.config, image.config);
  assert.deepEqual(manifest.layers, [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256Digest(LAYER), size: LAYER.length }]);
  const config = JSON.parse((await file(`blobs/sha256/${image.config.digest.slice(7)}`)).toString());
  assert.deepEqual(config.rootfs, { type: 'layers', diff_ids: [sha256Digest(LAYER)] });
  assert.deepEqual(config.config, { Entrypoint: ['/hello'] });
  assert.equal(config.architecture, 'amd64');
  assert.equal(config.os, 'linux');
});

test('the same inputs give the same digests', () => {
  const a = build();
  const b = build();
  assert.ok(a.archive.equals(b.archive));
  assert.equal(a.manifest.digest, b.manifest.digest);
  // Pinned: a change here changes every image k8ts builds.
  assert.equal(a.layers[0].digest, sha256Digest(LAYER));
  assert.equal(a.config.digest, sha256Digest(Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: { Entrypoint: ['/hello'] },
    rootfs: { type: 'layers', diff_ids: [sha256Digest(LAYER)] }, history: [{ created_by: 'k8ts image builder' }],
  }))));
});

test('ELF: static or not, and the architecture', () => {
  const elf = (machine: number, interp: boolean): Buffer => {
    const b = Buffer.alloc(64 + 56);
    b.writeUInt32BE(0x7f454c46, 0);
    b[4] = 2; b[5] = 1;
    b.writeUInt16LE(machine, 18);
    b.writeBigUInt64LE(64n, 32);
    b.writeUInt16LE(56, 54);
    b.writeUInt16LE(1, 56);
    b.writeUInt32LE(interp ? 3 : 1, 64);
    return b;
  };
  assert.deepEqual(inspectElf(elf(0x3e, false)), { static: true, architecture: 'amd64' });
  assert.deepEqual(inspectElf(elf(0xb7, true)), { static: false, architecture: 'arm64' });
  assert.equal(inspectElf(elf(0x9999, false)).architecture, undefined);
  assert.throws(() => inspectElf(Buffer.from('#!/bin/sh\necho not elf\n'.padEnd(80))), /not an ELF binary/);
  assert.equal(inspectElf(readFileSync(process.execPath)).static, false, 'node is dynamically linked');
});

const busyboxSkip = ((): string | false => {
  try {
    return inspectElf(readFileSync('/bin/busybox')).static ? false : '/bin/busybox is not static (apt-get install busybox-static)';
  } catch {
    return 'no /bin/busybox (apt-get install busybox-static)';
  }
})();

test('the busybox layer: the binary, an applet link each, passwd and group', { skip: busyboxSkip }, async () => {
  const rootfs = busyboxRootfs();
  const layer = await openArchiveBuffer('layer', rootfs.layer);
  const m = layer.members;
  assert.equal(m.get('bin/busybox')?.type, 'file');
  assert.equal(m.get('bin/busybox')?.size, readFileSync('/bin/busybox').length);
  for (const applet of ['bin/sh', 'usr/sbin/httpd', 'bin/sleep', 'sbin/ip']) {
    assert.deepEqual([m.get(applet)?.type, m.get(applet)?.linkname], ['symlink', '/bin/busybox'], applet);
  }
  for (const d of ['tmp', 'proc', 'sys', 'dev', 'etc', 'usr/bin']) assert.equal(m.get(d)?.type, 'directory', d);
  const passwd = m.get('etc/passwd')!;
  assert.match((await layer.read(passwd.offset, passwd.size)).toString(), /^root:x:0:0:/);
  assert.match(rootfs.version, /^\d+\.\d+/);
  assert.ok(rootfs.layer.equals(busyboxRootfs().layer), 'reproducible');
});

test('the pause and busybox images share their one layer; pause runs ash as 65535', { skip: busyboxSkip }, async () => {
  const pause = buildPauseImage();
  const busybox = buildBusyboxImage('docker.io/k8ts-test/busybox:1');
  assert.equal(pause.name, PAUSE_IMAGE);
  assert.deepEqual(pause.layers, busybox.layers);
  const archive = await openArchiveBuffer('pause', pause.archive);
  const c = archive.member(`blobs/sha256/${pause.config.digest.slice(7)}`)!;
  const config = JSON.parse((await archive.read(c.offset, c.size)).toString());
  assert.equal(config.config.User, '65535:65535');
  assert.deepEqual(config.config.Entrypoint.slice(0, 2), ['/bin/sh', '-c']);
  assert.match(config.config.Entrypoint[2], /trap 'exit 0' TERM INT/);
});
