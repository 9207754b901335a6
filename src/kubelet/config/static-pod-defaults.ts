/**
 * What the kubelet adds to a pod read from a manifest (upstream's
 * pkg/kubelet/config/common.go applyDefaults): a uid that hashes the pod and
 * its source, the node name appended to the pod name, the default
 * namespace, spec.nodeName, the config.hash annotation, a toleration of
 * every NoExecute taint for file pods, and phase Pending.
 */
import { createHash } from 'node:crypto';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { CONFIG_HASH_ANNOTATION, type StaticPodSourceKind } from './annotations.js';

export interface StaticPodDefaultsOptions {
  nodeName: string;
  /** `file` or `http`. */
  kind: StaticPodSourceKind;
  /** The manifest's path, or the URL it came from. */
  source: string;
}

/**
 * `pod` (decoded and API-defaulted) with the static pod defaults; `pod` is
 * left as it was. A uid the manifest sets is kept. Otherwise the uid is the
 * md5 of the pod as decoded, then `host:<node>file:<path>` for a file or
 * `url:<url>` for a URL, as upstream hashes it: the same manifest on the
 * same node keeps its uid across restarts, and any change gives a new one.
 */
export function applyStaticPodDefaults(pod: Pod, opts: StaticPodDefaultsOptions): Pod {
  let uid = pod.metadata?.uid;
  if (!uid) {
    const hasher = createHash('md5').update(canonicalJson(pod));
    hasher.update(opts.kind === 'file' ? `host:${opts.nodeName}file:${opts.source}` : `url:${opts.source}`);
    uid = hasher.digest('hex');
  }
  const spec = pod.spec ?? { containers: [] };
  let tolerations = spec.tolerations;
  // "so they are not evicted when there are node problems" (common.go).
  if (opts.kind === 'file' && !tolerations?.some((t) => !t.key && t.operator === 'Exists' && !t.value && t.effect === 'NoExecute')) {
    tolerations = [...tolerations ?? [], { operator: 'Exists', effect: 'NoExecute' }];
  }
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      uid,
      // Upstream lowercases the node name here (generatePodName).
      name: `${pod.metadata?.name ?? ''}-${opts.nodeName.toLowerCase()}`,
      namespace: pod.metadata?.namespace || 'default',
      annotations: { ...pod.metadata?.annotations, [CONFIG_HASH_ANNOTATION]: uid },
    },
    spec: { ...spec, nodeName: opts.nodeName, ...(tolerations ? { tolerations } : {}) },
    status: { phase: 'Pending' },
  };
}

/** JSON with object keys sorted, so that equal pods hash equal whatever the key order of their manifests. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
