/**
 * Static pods from a URL (upstream's pkg/kubelet/config/http.go,
 * --manifest-url and --manifest-url-header): the body is one v1 Pod or a
 * v1 PodList, YAML or JSON; an empty body holds no pods. Anything but a
 * 200 with a body that decodes whole is an error, and the pods read before
 * stay, as upstream keeps them.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { MAX_CONFIG_LENGTH, decodeManifest } from './decode-manifest.js';
import type { ManifestSource } from './manifest-source.js';

export interface HttpSourceOptions {
  nodeName: string;
  /** Request headers (--manifest-url-header). @default none */
  headers?: Record<string, string[]>;
  /** @default 10000 */
  timeoutMs?: number;
}

export class HttpSource implements ManifestSource {
  readonly kind = 'http' as const;

  constructor(readonly location: string, private readonly o: HttpSourceOptions) {
    checkManifestUrl(location);
  }

  async read(): Promise<Pod[]> {
    const headers = new Headers();
    for (const [k, values] of Object.entries(this.o.headers ?? {})) for (const v of values) headers.append(k, v);
    const res = await fetch(this.location, { headers, signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000), redirect: 'follow' });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${this.location}: ${res.status} ${res.statusText}`);
    if (body.length > MAX_CONFIG_LENGTH) throw new Error(`${this.location}: body larger than ${MAX_CONFIG_LENGTH} bytes`);
    if (body.trim() === '') return [];
    return decodeManifest(body, { nodeName: this.o.nodeName, kind: 'http', source: this.location, allowList: true });
  }
}

/** Throws unless `location` is an http(s) URL. */
export function checkManifestUrl(location: string): void {
  try {
    const u = new URL(location);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`scheme ${u.protocol}`);
  } catch (e) {
    throw new Error(`invalid manifest URL ${JSON.stringify(location)}: want http(s)://...`, { cause: e });
  }
}

/**
 * Upstream's --manifest-url-header values: `key:value` pairs, comma
 * separated; a key given again adds a value. Throws on a pair without ':'.
 */
export function parseManifestUrlHeaders(flags: readonly string[]): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const flag of flags) {
    for (const pair of flag.split(',')) {
      if (pair.trim() === '') continue;
      const i = pair.indexOf(':');
      if (i <= 0) throw new Error(`invalid --manifest-url-header ${JSON.stringify(pair)}: want key:value`);
      (headers[pair.slice(0, i).trim()] ??= []).push(pair.slice(i + 1).trim());
    }
  }
  return headers;
}
