/**
 * The images a node must have without a network: k8ts's pause image, built
 * on the spot, and the archives of the air-gap folder
 * (<data-dir>/agent/images/), imported at start as k3s does.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerdClient } from '../containerd/api/client.js';
import type { ImageService } from '../runtime/cri/services.js';
import { importImageArchives, importImageBuffer, type ImportedImage, type ImportOptions } from './import.js';
import { buildPauseImage, type PauseImageOptions } from './pause-image.js';

/** Archive names the air-gap folder picks up. */
const ARCHIVE = /\.(tar|tar\.gz|tgz)$/;

/**
 * Builds the pause image and imports it, and resolves once the CRI lists
 * it, so RunPodSandbox finds it without a pull. Cheap when it is already
 * there: blobs that exist are not written again.
 */
export async function ensurePauseImage(containerd: ContainerdClient, cri: ImageService, opts: PauseImageOptions & ImportOptions = {}): Promise<ImportedImage> {
  const built = buildPauseImage(opts);
  const [imported] = await importImageBuffer(containerd, `pause image ${built.name}`, built.archive, { ...opts, cri });
  return imported;
}

/** The archives in `dir`, in name order; none when it does not exist. */
export function airgapArchives(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => ARCHIVE.test(n)).sort().map((n) => join(dir, n));
}

/** Imports every archive of the air-gap folder. */
export async function importAirgapImages(containerd: ContainerdClient, dir: string, opts: ImportOptions = {}): Promise<ImportedImage[]> {
  const files = airgapArchives(dir);
  return files.length === 0 ? [] : importImageArchives(containerd, files, opts);
}
