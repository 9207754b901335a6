/**
 * The served API: for every served group/version/resource, the generic store
 * of its storage resource and the conversions between the served and stored
 * versions.
 */
import type { ResourceDef } from '../api/resources.js';
import { apiVersionOf } from '../api/resources.js';
import type { KubeObject, WithMeta } from '../api/object.js';
import type { Store } from '../storage/store.js';
import type { StoredResource, WatchCache } from './watch/watch-cache.js';
import { GenericStore, type RegistryHooks } from './registry/generic-store.js';
import type { Strategy } from './registry/strategy.js';
import type { TableConvertor } from './tables/index.js';
import type { CustomResourceSubresourceScale } from '../api/apiextensions/types.js';
import type { DecodeOutcome } from '../api/decode/index.js';

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
  /** Custom resources: the schema's type check before defaulting (built-in kinds use the FieldValidator). */
  checkTypes?(obj: KubeObject): DecodeOutcome;
  /** Custom resources: the schema's pruning, which stands in for unknown-field detection. */
  prune?(obj: WithMeta): string[];
  /** Custom resources: the CRD's printer columns. */
  table?: TableConvertor;
  /** Custom resources: where the scale subresource reads and writes. */
  scale?: CustomResourceSubresourceScale;
}

/** What a dynamically served resource (a CRD version) brings besides its ResourceDef. */
export interface DynamicResource {
  def: ResourceDef;
  strategy: Strategy;
  hooks?: RegistryHooks;
  checkTypes?(obj: KubeObject): DecodeOutcome;
  prune?(obj: WithMeta): string[];
  table?: TableConvertor;
  scale?: CustomResourceSubresourceScale;
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

  /**
   * Serves a resource added at run time (a CRD version). All versions of one
   * resource share storage: the store for the def's storage prefix is made
   * on first use (with this strategy) and replaced when the strategy changes.
   * Conversion between its versions only rewrites apiVersion (strategy None).
   */
  register(r: DynamicResource): void {
    const d = r.def;
    const existing = this.registries.get(d.storage.prefix);
    const storageDef: ResourceDef = { ...d, version: d.storage.version };
    const registry = existing && existing.strategy === r.strategy
      ? existing
      : new GenericStore(storageDef, r.strategy, this.store, this.cache, r.hooks ?? {});
    this.registries.set(d.storage.prefix, registry);
    const apiVersion = apiVersionOf(d.group, d.version);
    const storageApiVersion = apiVersionOf(d.group, d.storage.version);
    this.served.set(`${d.group}/${d.version}/${d.plural}`, {
      def: d, registry, checkTypes: r.checkTypes, prune: r.prune, table: r.table, scale: r.scale,
      toStorage: (obj) => ({ ...obj, apiVersion: storageApiVersion }),
      fromStorage: (obj) => ({ ...obj, apiVersion, kind: d.kind }),
    });
  }

  /** Stops serving every version of a dynamic resource (its store is kept for cleanup). */
  unregister(group: string, plural: string): void {
    for (const [k, s] of this.served) if (s.def.group === group && s.def.plural === plural) this.served.delete(k);
  }

  /** Every served resource definition, built-in and dynamic. */
  defs(): ResourceDef[] {
    return [...this.served.values()].map((s) => s.def);
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

  /** The stored resources, by prefix and storage type (reviews are computed, never stored). */
  storedResources(): StoredResource[] {
    return [...this.registries.values()].filter((r) => !r.def.ephemeral).map((r) => ({ prefix: r.prefix, typeMeta: r.typeMeta }));
  }
}
