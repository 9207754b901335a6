/**
 * Builds single-platform images as OCI image layout archives (the format
 * `docker save` 25+, buildah and skopeo write; k8ts imports it), entirely
 * in memory and reproducibly: the same layers and config give the same
 * digests. Layers are uncompressed tars, so each layer's digest is also
 * its diff ID.
 */
import { createHash } from 'node:crypto';
import { writeTar, type TarEntry } from './tar-writer.js';

export const MEDIA_TYPE = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

/** The annotation containerd names imported images by. */
export const ANNOTATION_IMAGE_NAME = 'io.containerd.image.name';
/** The OCI annotation for a manifest's reference (k8ts writes the tag). */
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string };
}

/** The runtime part of an image config (OCI image-spec "config"). */
export interface ImageConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  StopSignal?: string;
  Labels?: Record<string, string>;
}

export interface BuildImageOptions {
  /** Fully qualified reference, e.g. "localhost/k8ts/pause:1" (see normalizeImageReference). */
  name: string;
  /** Uncompressed layer tars, bottom first. */
  layers: Buffer[];
  config: ImageConfig;
  /** OCI architecture ("amd64"). */
  architecture: string;
  /** @default "linux" */
  os?: string;
}

export interface BuiltImage {
  name: string;
  /** The OCI layout archive: oci-layout, index.json, blobs/sha256/*. */
  archive: Buffer;
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
}

export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function buildOciImage(opts: BuildImageOptions): BuiltImage {
  const os = opts.os ?? 'linux';
  const layers = opts.layers.map((data) => ({ data, desc: describe(MEDIA_TYPE.ociLayer, data) }));
  const configBlob = json({
    architecture: opts.architecture,
    os,
    config: opts.config,
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.desc.digest) },
    history: layers.map(() => ({ created_by: 'k8ts image builder' })),
  });
  const config = describe(MEDIA_TYPE.ociConfig, configBlob);
  const manifestBlob = json({
    schemaVersion: 2,
    mediaType: MEDIA_TYPE.ociManifest,
    config,
    layers: layers.map((l) => l.desc),
  });
  const manifest = describe(MEDIA_TYPE.ociManifest, manifestBlob);
  const tag = /:([\w][\w.-]*)$/.exec(opts.name.split('@')[0])?.[1] ?? 'latest';
  const index = json({
    schemaVersion: 2,
    mediaType: MEDIA_TYPE.ociIndex,
    manifests: [{
      ...manifest,
      annotations: { [ANNOTATION_IMAGE_NAME]: opts.name, [ANNOTATION_REF_NAME]: tag },
      platform: { architecture: opts.architecture, os },
    }],
  });
  const blobs = new Map<string, Buffer>();
  for (const l of layers) blobs.set(l.desc.digest, l.data);
  blobs.set(config.digest, configBlob);
  blobs.set(manifest.digest, manifestBlob);
  const entries: TarEntry[] = [
    { name: 'oci-layout', type: 'file', data: json({ imageLayoutVersion: '1.0.0' }) },
    { name: 'index.json', type: 'file', data: index },
    { name: 'blobs', type: 'directory' },
    { name: 'blobs/sha256', type: 'directory' },
    ...[...blobs].map(([digest, data]): TarEntry => ({ name: `blobs/sha256/${digest.slice('sha256:'.length)}`, type: 'file', data })),
  ];
  return { name: opts.name, archive: writeTar(entries), manifest, config, layers: layers.map((l) => l.desc) };
}

function describe(mediaType: string, data: Buffer): Descriptor {
  return { mediaType, digest: sha256Digest(data), size: data.length };
}

function json(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v), 'utf8');
}
