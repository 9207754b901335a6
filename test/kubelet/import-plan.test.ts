import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildOciImage, sha256Digest } from '../../src/kubelet/images/oci-layout.js';
import { openArchiveBuffer, openArchiveFile } from '../../src/kubelet/images/archive.js';
import { planImport, type ImportPlan } from '../../src/kubelet/images/import-plan.js';
import { writeTar, type TarEntry } from '../../src/kubelet/images/tar-writer.js';
import { dockerArchiveOf } from '../harness/docker-archive.js';

const LAYER = writeTar([{ name: 'hello', type: 'file', data: Buffer.from('hi\n') }]);
const IMAGE = buildOciImage({ name: 'localhost/test/hello:v1', layers: [LAYER], config: { Cmd: ['/hello'] }, architecture: 'amd64' });

async function plan(archive: Buffer): Promise<ImportPlan> {
  return planImport(await openArchiveBuffer('test.tar', archive));
}

async function blobText(p: ImportPlan, digest: string): Promise<string> {
  const b = p.blobs.get(digest)!;
  return (await b.read(0, b.desc.size)).toString();
}

test('OCI layout: every blob, GC labels on the manifest, the name from io.containerd.image.name', async () => {
  const p = await plan(IMAGE.archive);
  assert.deepEqual([...p.blobs.keys()], [IMAGE.config.digest, IMAGE.layers[0].digest, IMAGE.manifest.digest], 'children before parents');
  assert.deepEqual(p.blobs.get(IMAGE.layers[0].digest)?.desc, IMAGE.layers[0]);
  assert.deepEqual(Object.fromEntries(p.labels), {
    [IMAGE.manifest.digest]: {
      'containerd.io/gc.ref.content.config': IMAGE.config.digest,
      'containerd.io/gc.ref.content.l.0': IMAGE.layers[0].digest,
    },
  });
  assert.deepEqual(p.images, [{
    name: 'localhost/test/hello:v1',
    target: { ...IMAGE.manifest, annotations: { 'io.containerd.image.name': 'localhost/test/hello:v1', 'org.opencontainers.image.ref.name': 'v1' } },
  }], 'the target keeps index.json\'s annotations, as containerd\'s importer does');
  assert.equal(await blobText(p, IMAGE.layers[0].digest), LAYER.toString());
});

/** An OCI layout whose index.json is `index`, holding the blobs of IMAGE plus `extra`. */
async function layoutWith(index: unknown, extra: Array<[string, Buffer]> = []): Promise<Buffer> {
  const src = await openArchiveBuffer('x', IMAGE.archive);
  const entries: TarEntry[] = [{ name: 'index.json', type: 'file', data: Buffer.from(JSON.stringify(index)) }];
  for (const [name, m] of src.members) {
    if (name.startsWith('blobs/sha256/')) entries.push({ name, type: 'file', data: await src.read(m.offset, m.size) });
  }
  for (const [digest, data] of extra) entries.push({ name: `blobs/sha256/${digest.slice(7)}`, type: 'file', data });
  return writeTar(entries);
}

test('a multi-platform index: labels for every manifest, absent platforms skipped, names from full ref names', async () => {
  const missing = `sha256:${'0'.repeat(64)}`;
  const idx = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { ...IMAGE.manifest, platform: { architecture: 'amd64', os: 'linux' } },
      { mediaType: IMAGE.manifest.mediaType, digest: missing, size: 10, platform: { architecture: 'arm64', os: 'linux' } },
    ],
  }));
  const idxDesc = { mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha256Digest(idx), size: idx.length };
  const p = await plan(await layoutWith({
    schemaVersion: 2,
    manifests: [
      { ...idxDesc, annotations: { 'org.opencontainers.image.ref.name': 'example.com/multi:2' } },
      { ...IMAGE.manifest, annotations: { 'org.opencontainers.image.ref.name': 'latest' } },
    ],
  }, [[idxDesc.digest, idx]]));
  assert.deepEqual(p.labels.get(idxDesc.digest), {
    'containerd.io/gc.ref.content.m.0': IMAGE.manifest.digest, 'containerd.io/gc.ref.content.m.1': missing,
  });
  assert.equal(p.blobs.has(missing), false);
  assert.deepEqual(p.images.map((i) => [i.name, i.target.digest]), [['example.com/multi:2', idxDesc.digest]]);
  assert.deepEqual(p.unnamed.map((u) => u.digest), [IMAGE.manifest.digest], 'a bare tag is no name');
});

test('OCI layout errors name the archive and the blob', async () => {
  const gone = { mediaType: IMAGE.manifest.mediaType, digest: `sha256:${'1'.repeat(64)}`, size: 5 };
  await assert.rejects(plan(await layoutWith({ manifests: [gone] })), /test\.tar lacks blob sha256:1111/);
  await assert.rejects(plan(await layoutWith({ manifests: [{ ...IMAGE.manifest, size: 1 }] })), /has \d+ bytes, its descriptor says 1/);
  await assert.rejects(plan(writeTar([{ name: 'index.json', type: 'file', data: Buffer.from('{') }])), /index\.json is not valid JSON/);
  await assert.rejects(plan(writeTar([{ name: 'hello', type: 'file' }])), /neither an OCI image layout \(no index\.json\) nor a docker archive/);
});

test('docker archive: a docker schema 2 manifest per entry, symlinked layers, RepoTags normalized', async () => {
  const p = await plan(await dockerArchiveOf(IMAGE, ['hello:v1', 'quay.io/a/hello:v1']));
  const manifests = [...p.blobs.values()].filter((b) => b.desc.mediaType === 'application/vnd.docker.distribution.manifest.v2+json');
  assert.equal(manifests.length, 1, 'both entries give the same manifest');
  const manifest = JSON.parse(await blobText(p, manifests[0].desc.digest));
  assert.deepEqual(manifest, {
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: IMAGE.config.digest, size: IMAGE.config.size },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar', digest: IMAGE.layers[0].digest, size: IMAGE.layers[0].size }],
  });
  assert.deepEqual(p.images.map((i) => i.name), ['docker.io/library/hello:v1', 'quay.io/a/hello:v1']);
  assert.deepEqual(p.labels.get(manifests[0].desc.digest), {
    'containerd.io/gc.ref.content.config': IMAGE.config.digest, 'containerd.io/gc.ref.content.l.0': IMAGE.layers[0].digest,
  });
  assert.equal(p.unnamed.length, 1, 'the entry without RepoTags');
});

test('archives on disk: plain and gzip tars open; other compressions are named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-archive-'));
  try {
    writeFileSync(join(dir, 'a.tar'), IMAGE.archive);
    writeFileSync(join(dir, 'a.tar.gz'), gzipSync(IMAGE.archive));
    writeFileSync(join(dir, 'a.tar.zst'), Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]));
    writeFileSync(join(dir, 'junk'), Buffer.alloc(2048, 1));
    for (const f of ['a.tar', 'a.tar.gz']) {
      const archive = await openArchiveFile(join(dir, f), { tmpDir: dir });
      try {
        assert.deepEqual((await planImport(archive)).images.map((i) => i.name), ['localhost/test/hello:v1'], f);
      } finally {
        await archive.close();
      }
    }
    await assert.rejects(openArchiveFile(join(dir, 'a.tar.zst')), /a\.tar\.zst is zstd-compressed: decompress it first/);
    await assert.rejects(openArchiveFile(join(dir, 'junk')), /junk is not a tar archive/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
