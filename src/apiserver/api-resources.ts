/**
 * The served API: for every served group/version/resource, the generic store
 * of its storage resource and the conversions between the served and stored
 * versions.
 */
import type { ResourceDef } from '../api/resources.js';
import { apiVersionOf } from '../api/resources.js';
import type { KubeObject, WithMeta } from '../api/object.js';
import type { Store } from '../storage/store.js';
import type { WatchCache } from './watch/watch-cache.js';
import { GenericStore, type RegistryHooks } from './registry/generic-store.js';
import type { Strategy } from './registry/strategy.js';

export interface Conversion {
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
}

export interface ServedResource {
  def: ResourceDef;
  registry: GenericStore;
  /** Served form -> stored form (identity when the versions agree). */
  toStorage(obj: WithMeta): WithMeta;
  /** Stored form -> served form, with the served apiVersion and kind. */
  fromStorage(obj: WithMeta): WithMeta;
}

/** Strategy key: `pods` for the core group, `apps/deployments` otherwise. */
export function strategyKey(group: string, plural: string): string {
  return group ? `${group}/${plural}` : plural;
}

const permissive: Strategy = { validate: () => [] };

export interface ApiResourcesOptions {
  strategies: Record<string, Strategy>;
  /** Keyed `<group>/<version>/<plural>` of the served version. */
  conversions: Record<string, Conversion>;
  hooks: Record<string, RegistryHooks>;
}

export class ApiResources {
  private readonly served = new Map<string, ServedResource>();
  private readonly registries = new Map<string, GenericStore>();

  constructor(defs: readonly ResourceDef[], private readonly store: Store, private readonly cache: WatchCache,
    private readonly opts: ApiResourcesOptions) {
    for (const d of defs) this.add(d, defs);
  }

  private add(d: ResourceDef, defs: readonly ResourceDef[]): void {
    let registry = this.registries.get(d.storage.prefix);
    if (!registry) {
      const storageDef = defs.find((x) => x.group === d.storage.group && x.version === d.storage.version
        && x.storage.prefix === d.storage.prefix) ?? d;
      const key = strategyKey(storageDef.group, storageDef.plural);
      registry = new GenericStore(storageDef, this.opts.strategies[key] ?? permissive, this.store, this.cache, this.opts.hooks[key]);
      this.registries.set(d.storage.prefix, registry);
    }
    const conv = this.opts.conversions[`${d.group}/${d.version}/${d.plural}`];
    const apiVersion = apiVersionOf(d.group, d.version);
    const same = d.group === registry.def.group && d.version === registry.def.version;
    this.served.set(`${d.group}/${d.version}/${d.plural}`, {
      def: d,
      registry,
      toStorage: (obj) => (same || !conv ? obj : conv.toStorage(obj) as WithMeta),
      fromStorage: (obj) => {
        if (same || !conv) return obj;
        const out = conv.fromStorage(obj) as WithMeta;
        out.apiVersion = apiVersion;
        out.kind = d.kind;
        return out;
      },
    });
  }

  find(group: string, version: string, plural: string): ServedResource | undefined {
    return this.served.get(`${group}/${version}/${plural}`);
  }

  all(): ServedResource[] {
    return [...this.served.values()];
  }

  /** The registry that stores a resource, by storage group and plural (e.g. '' + 'namespaces'). */
  registryFor(group: string, plural: string): GenericStore | undefined {
    for (const r of this.registries.values()) if (r.def.group === group && r.def.plural === plural) return r;
    return undefined;
  }

  /** Prefixes of the stored resources (reviews are computed, never stored). */
  storagePrefixes(): string[] {
    return [...this.registries.values()].filter((r) => !r.def.ephemeral).map((r) => r.prefix);
  }
}
