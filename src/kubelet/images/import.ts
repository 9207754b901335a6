/**
 * Importing image archives into containerd without `ctr` (the kubelet
 * reaches the runtime only through gRPC): blobs go through the content
 * service under a lease, parents get GC labels, image records are created
 * in the CRI's namespace, and the CRI plugin, which watches image events,
 * then lists them. This is what `k8ts images import` and the air-gap
 * folder (<data-dir>/agent/images/) use.
 */
import type { Logger } from '../../api/log.js';
import type { ContainerdClient, ContentDescriptor } from '../containerd/api/client.js';
import type { ImageService } from '../runtime/cri/services.js';
import { openArchiveBuffer, openArchiveFile, type ImageArchive } from './archive.js';
import { planImport } from './import-plan.js';

export interface ImportedImage {
  /** Fully qualified name. */
  name: string;
  target: ContentDescriptor;
  /** The archive it came from. */
  source: string;
}

export interface ImportOptions {
  /** When given, resolve only once the CRI reports every imported image. */
  cri?: ImageService;
  /** How long to wait for the CRI. @default 10000 */
  criTimeoutMs?: number;
  /** Where compressed archives are decompressed. @default os.tmpdir() */
  tmpDir?: string;
  log?: Logger;
}

/** The label the CRI plugin puts on images it manages. */
const CRI_MANAGED_LABEL = { 'io.cri-containerd.image': 'managed' };

/**
 * Imports each archive (.tar, or .tar.gz; OCI layout or docker archive),
 * all under one lease. Rejects on the first archive that cannot be read or
 * that names no image; images imported before it stay.
 */
export async function importImageArchives(containerd: ContainerdClient, files: string[], opts: ImportOptions = {}): Promise<ImportedImage[]> {
  return importAll(containerd, files.map((f) => () => openArchiveFile(f, opts)), opts);
}

/** Imports one archive held in memory (an image k8ts built). */
export async function importImageBuffer(containerd: ContainerdClient, label: string, archive: Buffer, opts: ImportOptions = {}): Promise<ImportedImage[]> {
  return importAll(containerd, [() => openArchiveBuffer(label, archive)], opts);
}

async function importAll(containerd: ContainerdClient, opens: Array<() => Promise<ImageArchive>>, opts: ImportOptions): Promise<ImportedImage[]> {
  const imported: ImportedImage[] = [];
  await containerd.withLease(async (c) => {
    for (const open of opens) {
      const archive = await open();
      try {
        imported.push(...await importOne(c, archive, opts));
      } finally {
        await archive.close();
      }
    }
  });
  if (opts.cri) await waitForCri(opts.cri, imported.map((i) => i.name), opts.criTimeoutMs ?? 10_000);
  return imported;
}

async function importOne(c: ContainerdClient, archive: ImageArchive, opts: ImportOptions): Promise<ImportedImage[]> {
  const started = Date.now();
  const plan = await planImport(archive);
  if (plan.images.length === 0) {
    throw new Error(`${archive.source} names no image (no io.containerd.image.name or full org.opencontainers.image.ref.name annotation, no RepoTags)`);
  }
  let written = 0;
  for (const { desc, read } of plan.blobs.values()) {
    if (await c.writeContent(desc, read)) written++;
  }
  for (const [digest, labels] of plan.labels) await c.setContentLabels(digest, labels);
  for (const img of plan.images) await c.putImage(img.name, img.target, CRI_MANAGED_LABEL);
  for (const u of plan.unnamed) opts.log?.warn({ archive: archive.source, digest: u.digest }, 'image without a name skipped');
  opts.log?.info({
    archive: archive.source, images: plan.images.map((i) => i.name), blobs: plan.blobs.size, written, ms: Date.now() - started,
  }, 'imported images');
  return plan.images.map((i) => ({ ...i, source: archive.source }));
}

/** containerd's CRI plugin learns of new images from events; wait until it lists them. */
async function waitForCri(cri: ImageService, names: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      const res = await cri.imageStatus({ image: name });
      if (res.image) break;
      if (Date.now() >= deadline) throw new Error(`containerd has image ${name}, but its CRI plugin did not list it within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
