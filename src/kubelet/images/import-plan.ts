/**
 * What an image archive holds, as containerd needs it: the blobs to write,
 * the garbage-collection labels each parent blob must carry so its children
 * stay alive (containerd.io/gc.ref.content.m.<i>, .config, .l.<i>), and the
 * image names with their targets. Reads OCI layouts (index.json) as they
 * are, and turns each docker-archive (`docker save`, manifest.json) entry
 * into a docker schema 2 manifest, as containerd's own importer does.
 */
import { createHash } from 'node:crypto';
import { normalizeImageReference } from '../../api/image-reference.js';
import type { BlobReader, ContentDescriptor } from '../containerd/api/client.js';
import type { ImageArchive } from './archive.js';
import { ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME, MEDIA_TYPE, sha256Digest } from './oci-layout.js';

export interface PlannedBlob {
  desc: ContentDescriptor;
  read: BlobReader;
}

export interface ImportPlan {
  /** Every blob to write, by digest, children before parents. */
  blobs: Map<string, PlannedBlob>;
  /** GC labels to set, by the digest of the parent blob. */
  labels: Map<string, Record<string, string>>;
  /** Fully qualified names and the descriptor each points at. */
  images: Array<{ name: string; target: ContentDescriptor }>;
  /** Descriptors the archive holds but no name could be found for. */
  unnamed: ContentDescriptor[];
}

const INDEX_TYPES = new Set<string>([MEDIA_TYPE.ociIndex, MEDIA_TYPE.dockerManifestList]);
const MANIFEST_TYPES = new Set<string>([MEDIA_TYPE.ociManifest, MEDIA_TYPE.dockerManifest]);

export async function planImport(archive: ImageArchive): Promise<ImportPlan> {
  const plan: ImportPlan = { blobs: new Map(), labels: new Map(), images: [], unnamed: [] };
  if (archive.member('index.json')) {
    await planOciLayout(archive, plan);
    if (plan.images.length > 0 || !archive.member('manifest.json')) return plan;
    plan.unnamed = [];
  }
  if (archive.member('manifest.json')) {
    await planDockerArchive(archive, plan);
    return plan;
  }
  throw new Error(`${archive.source} is neither an OCI image layout (no index.json) nor a docker archive (no manifest.json)`);
}

async function planOciLayout(archive: ImageArchive, plan: ImportPlan): Promise<void> {
  const index = await readJson<{ manifests?: ContentDescriptor[] }>(archive, 'index.json');
  for (const desc of index.manifests ?? []) {
    const target = pick(desc);
    await walk(archive, plan, target, true);
    const name = imageName(desc.annotations ?? {});
    if (name) plan.images.push({ name, target });
    else plan.unnamed.push(target);
  }
}

/** Adds a blob and, for indexes and manifests, its children and their labels. */
async function walk(archive: ImageArchive, plan: ImportPlan, desc: ContentDescriptor, required: boolean): Promise<void> {
  if (plan.blobs.has(desc.digest)) return;
  const member = archive.member(blobPath(desc.digest));
  if (!member) {
    if (required) throw new Error(`${archive.source} lacks blob ${desc.digest} (${desc.mediaType || 'unknown type'})`);
    return;
  }
  if (member.size !== desc.size) throw new Error(`${archive.source}: blob ${desc.digest} has ${member.size} bytes, its descriptor says ${desc.size}`);
  const read: BlobReader = (offset, length) => archive.read(member.offset + offset, length);
  let mediaType = desc.mediaType;
  if (INDEX_TYPES.has(mediaType) || MANIFEST_TYPES.has(mediaType) || mediaType === '') {
    const doc = JSON.parse((await read(0, member.size)).toString('utf8')) as {
      mediaType?: string; manifests?: ContentDescriptor[]; config?: ContentDescriptor; layers?: ContentDescriptor[];
    };
    mediaType ||= doc.mediaType ?? (doc.manifests ? MEDIA_TYPE.ociIndex : MEDIA_TYPE.ociManifest);
    const labels: Record<string, string> = {};
    if (doc.manifests) {
      // Other platforms' manifests may be left out of an archive.
      for (const [i, m] of doc.manifests.entries()) {
        labels[`containerd.io/gc.ref.content.m.${i}`] = m.digest;
        await walk(archive, plan, pick(m), false);
      }
    } else if (doc.config) {
      labels['containerd.io/gc.ref.content.config'] = doc.config.digest;
      await walk(archive, plan, pick(doc.config), true);
      for (const [i, l] of (doc.layers ?? []).entries()) {
        labels[`containerd.io/gc.ref.content.l.${i}`] = l.digest;
        await walk(archive, plan, pick(l), true);
      }
    }
    if (Object.keys(labels).length > 0) plan.labels.set(desc.digest, labels);
  }
  plan.blobs.set(desc.digest, { desc: { ...pick(desc), mediaType }, read });
}

interface DockerArchiveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

async function planDockerArchive(archive: ImageArchive, plan: ImportPlan): Promise<void> {
  const entries = await readJson<DockerArchiveEntry[]>(archive, 'manifest.json');
  for (const e of entries) {
    const config = await hashMember(archive, e.Config, MEDIA_TYPE.dockerConfig);
    const layers: PlannedBlob[] = [];
    for (const l of e.Layers) {
      const m = archive.member(l);
      if (!m) throw new Error(`${archive.source}: manifest.json names layer ${l}, which the archive lacks`);
      const head = await archive.read(m.offset, 2);
      const gzip = head[0] === 0x1f && head[1] === 0x8b;
      layers.push(await hashMember(archive, l, gzip ? MEDIA_TYPE.dockerLayerGzip : MEDIA_TYPE.dockerLayer));
    }
    const manifestBlob = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPE.dockerManifest,
      config: config.desc,
      layers: layers.map((l) => l.desc),
    }));
    const manifest: ContentDescriptor = { mediaType: MEDIA_TYPE.dockerManifest, digest: sha256Digest(manifestBlob), size: manifestBlob.length };
    for (const b of [config, ...layers]) plan.blobs.set(b.desc.digest, b);
    plan.blobs.set(manifest.digest, { desc: manifest, read: async (o, n) => manifestBlob.subarray(o, o + n) });
    const labels: Record<string, string> = { 'containerd.io/gc.ref.content.config': config.desc.digest };
    layers.forEach((l, i) => { labels[`containerd.io/gc.ref.content.l.${i}`] = l.desc.digest; });
    plan.labels.set(manifest.digest, labels);
    const tags = e.RepoTags ?? [];
    if (tags.length === 0) plan.unnamed.push(manifest);
    for (const t of tags) plan.images.push({ name: normalizeImageReference(t), target: manifest });
  }
}

/** The image's name: containerd's annotation, else an OCI ref name that is a whole reference (not just a tag). */
function imageName(annotations: Record<string, string>): string | undefined {
  const full = annotations[ANNOTATION_IMAGE_NAME];
  if (full) return normalizeImageReference(full);
  const ref = annotations[ANNOTATION_REF_NAME];
  if (ref && /[/:@]/.test(ref)) return normalizeImageReference(ref);
  return undefined;
}

async function hashMember(archive: ImageArchive, name: string, mediaType: string): Promise<PlannedBlob> {
  const m = archive.member(name);
  if (!m) throw new Error(`${archive.source}: manifest.json names ${name}, which the archive lacks`);
  const hash = createHash('sha256');
  for (let off = 0; off < m.size; off += 1024 * 1024) hash.update(await archive.read(m.offset + off, Math.min(1024 * 1024, m.size - off)));
  return {
    desc: { mediaType, digest: `sha256:${hash.digest('hex')}`, size: m.size },
    read: (offset, length) => archive.read(m.offset + offset, length),
  };
}

function blobPath(digest: string): string {
  const [alg, hex] = digest.split(':');
  if (!alg || !hex || !/^[a-f0-9]+$/.test(hex)) throw new Error(`invalid digest ${JSON.stringify(digest)}`);
  return `blobs/${alg}/${hex}`;
}

function pick(d: ContentDescriptor): ContentDescriptor {
  const out: ContentDescriptor = { mediaType: d.mediaType ?? '', digest: d.digest, size: d.size };
  if (d.annotations) out.annotations = d.annotations;
  return out;
}

async function readJson<T>(archive: ImageArchive, name: string): Promise<T> {
  const m = archive.member(name)!;
  try {
    return JSON.parse((await archive.read(m.offset, m.size)).toString('utf8')) as T;
  } catch (err) {
    throw new Error(`${archive.source}: ${name} is not valid JSON`, { cause: err });
  }
}
