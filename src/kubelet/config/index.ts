/** Static pods: their sources (a manifest directory, a URL), decoding and defaults, and the annotations that link them to mirror pods. */
export * from './annotations.js';
export { applyStaticPodDefaults, type StaticPodDefaultsOptions } from './static-pod-defaults.js';
export { decodeManifest, MAX_CONFIG_LENGTH, type DecodeManifestOptions } from './decode-manifest.js';
export type { ManifestSource } from './manifest-source.js';
export { FileSource, type FileSourceOptions } from './file-source.js';
export { HttpSource, checkManifestUrl, parseManifestUrlHeaders, type HttpSourceOptions } from './http-source.js';
export { StaticPods, type StaticPodSource, type StaticPodsOptions } from './static-pods.js';
