/**
 * The API objects a pod's containers are built from: the ConfigMaps and
 * Secrets its env and volumes name, and the Services of its namespace for
 * the service environment variables. Upstream's kubelet reads these through
 * its configmap/secret managers (cached GETs, or watches); k8ts reads them
 * with GETs cached for `ttlMs`, so that a sync of many containers costs one
 * request per object and a changed ConfigMap is seen within `ttlMs`.
 */
import type { ConfigMap, Secret, Service } from 'kubernetes-types/core/v1.js';
import { RESOURCES, type RestClient } from '../client/index.js';

/** Contract: undefined means the object does not exist (404); other errors reject. */
export interface PodObjects {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  /** Every Service of `namespace`. */
  services(namespace: string): Promise<Service[]>;
}

interface Cached<T> { at: number; value: Promise<T> }

export class CachedPodObjects implements PodObjects {
  private readonly cache = new Map<string, Cached<unknown>>();

  constructor(private readonly client: RestClient, private readonly ttlMs = 1000, private readonly now: () => number = Date.now) {}

  configMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    return this.cached(`cm/${namespace}/${name}`, () => this.getOrUndefined<ConfigMap>(RESOURCES.configmaps, namespace, name));
  }

  secret(namespace: string, name: string): Promise<Secret | undefined> {
    return this.cached(`secret/${namespace}/${name}`, () => this.getOrUndefined<Secret>(RESOURCES.secrets, namespace, name));
  }

  services(namespace: string): Promise<Service[]> {
    return this.cached(`svc/${namespace}`, async () => (await this.client.list<Service>(RESOURCES.services, { namespace })).items);
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key) as Cached<T> | undefined;
    const t = this.now();
    if (hit && t - hit.at < this.ttlMs) return hit.value;
    const value = load();
    this.cache.set(key, { at: t, value });
    value.catch(() => this.cache.delete(key));
    if (this.cache.size > 4096) for (const [k, v] of this.cache) if (t - v.at >= this.ttlMs) this.cache.delete(k);
    return value;
  }

  private async getOrUndefined<T>(res: typeof RESOURCES.configmaps, namespace: string, name: string): Promise<T | undefined> {
    try {
      return await this.client.get(res, name, { namespace }) as T;
    } catch (e) {
      if ((e as { code?: unknown }).code === 404) return undefined;
      throw e;
    }
  }
}
