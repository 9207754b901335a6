/**
 * Turns an image k8ts built into the archive `docker save` writes (docker
 * v1.2: manifest.json, <config hex>.json, <layer id>/layer.tar, with a
 * second tag's layer stored as a symlink, as docker deduplicates), so tests
 * can import one without docker.
 */
import { writeTar, type TarEntry } from '../../src/kubelet/images/tar-writer.js';
import type { BuiltImage } from '../../src/kubelet/images/oci-layout.js';
import { openArchiveBuffer } from '../../src/kubelet/images/archive.js';

export async function dockerArchiveOf(image: BuiltImage, repoTags: string[]): Promise<Buffer> {
  const oci = await openArchiveBuffer('oci', image.archive);
  const blob = async (digest: string): Promise<Buffer> => {
    const m = oci.member(`blobs/sha256/${digest.slice(7)}`)!;
    return oci.read(m.offset, m.size);
  };
  const configName = `${image.config.digest.slice(7)}.json`;
  const entries: TarEntry[] = [{ name: configName, type: 'file', data: await blob(image.config.digest) }];
  const layers: string[] = [];
  for (const l of image.layers) {
    const id = l.digest.slice(7);
    entries.push({ name: id, type: 'directory' }, { name: `${id}/layer.tar`, type: 'file', data: await blob(l.digest) });
    layers.push(`${id}/layer.tar`);
  }
  // The same layer again under another ID, as a relative symlink.
  const alias = 'f'.repeat(64);
  entries.push({ name: alias, type: 'directory' }, { name: `${alias}/layer.tar`, type: 'symlink', linkname: `../${layers[0]}` });
  const manifest = [
    { Config: configName, RepoTags: repoTags, Layers: layers },
    { Config: configName, RepoTags: null, Layers: [`${alias}/layer.tar`] },
  ];
  entries.push({ name: 'manifest.json', type: 'file', data: Buffer.from(JSON.stringify(manifest)) });
  return writeTar(entries);
}
