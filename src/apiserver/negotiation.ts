/**
 * Content negotiation: which representation a client asks for in Accept
 * (plain JSON, a Table, PartialObjectMetadata, aggregated discovery) and which
 * format a request body is in.
 */

export interface MediaType {
  type: string;
  params: Record<string, string>;
}

export function parseMediaTypes(header: string | undefined): MediaType[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const i = kv.indexOf('=');
      if (i > 0) p[kv.slice(0, i).trim().toLowerCase()] = kv.slice(i + 1).trim().replace(/^"|"$/g, '');
    }
    return { type: type.toLowerCase(), params: p };
  }).filter((m) => m.type !== '');
}

export type OutputShape =
  | { as: 'object' }
  /** Kubernetes protobuf: only for clients that accept nothing else. */
  | { as: 'protobuf' }
  | { as: 'Table' }
  | { as: 'PartialObjectMetadata' }
  | { as: 'PartialObjectMetadataList' };

const JSONISH = new Set(['application/json', '*/*', 'application/*', 'application/yaml']);

/**
 * Picks the first acceptable representation in the client's order of
 * preference; `undefined` when nothing offered is acceptable (406).
 * Protobuf is not produced: a client that also accepts JSON gets JSON.
 */
export function negotiateOutput(accept: string | undefined): OutputShape | undefined {
  const types = parseMediaTypes(accept);
  if (types.length === 0) return { as: 'object' };
  if (types.every((m) => m.type === 'application/vnd.kubernetes.protobuf')) {
    return types.some((m) => !m.params.as) ? { as: 'protobuf' } : undefined;
  }
  for (const m of types) {
    if (!JSONISH.has(m.type)) continue;
    const as = m.params.as;
    if (!as) return { as: 'object' };
    if (m.params.g !== 'meta.k8s.io') continue;
    if (m.params.v !== 'v1' && m.params.v !== 'v1beta1') continue;
    if (as === 'Table') return { as: 'Table' };
    if (as === 'PartialObjectMetadata') return { as: 'PartialObjectMetadata' };
    if (as === 'PartialObjectMetadataList') return { as: 'PartialObjectMetadataList' };
  }
  return undefined;
}

export function wantsYaml(accept: string | undefined): boolean {
  const types = parseMediaTypes(accept);
  return types.length > 0 && types[0].type === 'application/yaml';
}

export type DiscoveryShape = 'legacy' | 'v2' | 'v2beta1';

/** Aggregated discovery when asked for (`as=APIGroupDiscoveryList`), else the legacy documents. */
export function negotiateDiscovery(accept: string | undefined): DiscoveryShape {
  for (const m of parseMediaTypes(accept)) {
    if (m.params.as === 'APIGroupDiscoveryList' && m.params.g === 'apidiscovery.k8s.io') {
      if (m.params.v === 'v2') return 'v2';
      if (m.params.v === 'v2beta1') return 'v2beta1';
      continue;
    }
    if (JSONISH.has(m.type) && !m.params.as) return 'legacy';
  }
  return 'legacy';
}

export type BodyFormat = 'json' | 'yaml' | 'protobuf' | 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

/** The format a Content-Type names; none (or an empty one) means JSON; one that names no media type, undefined (415). */
export function bodyFormat(contentType: string | undefined): BodyFormat | undefined {
  const types = parseMediaTypes(contentType);
  if (types.length === 0 && contentType !== undefined && contentType.trim() !== '') return undefined;
  const t = types[0]?.type ?? 'application/json';
  switch (t) {
    case 'application/json': return 'json';
    case 'application/yaml': return 'yaml';
    case 'application/vnd.kubernetes.protobuf': return 'protobuf';
    case 'application/json-patch+json': return 'json-patch';
    case 'application/merge-patch+json': return 'merge-patch';
    case 'application/strategic-merge-patch+json': return 'strategic-merge-patch';
    case 'application/apply-patch+yaml': return 'apply-patch';
    default: return undefined;
  }
}
