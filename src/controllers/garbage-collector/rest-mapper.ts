/**
 * Maps an owner's apiVersion + kind to the resource that serves it, from
 * discovery. The mapping is by group and kind: the preferred version is used
 * for lookups whatever version the reference names, since one object is
 * served in every version of its group.
 */
import type { DiscoveredResource } from '../../client/discovery.js';
import { groupOf, type ObjectIdentity } from './identity.js';

/** The kind is not (or no longer) served: the owner can be neither found nor declared absent. */
export class UnknownKindError extends Error {
  constructor(readonly apiVersion: string, readonly kind: string) {
    super(`no resource serves kind ${kind} in group "${groupOf(apiVersion)}" (from ${apiVersion})`);
    this.name = 'UnknownKindError';
  }
}

export class RestMapper {
  private readonly byKind = new Map<string, DiscoveredResource>();

  constructor(resources: readonly DiscoveredResource[]) {
    for (const r of resources) {
      if (!r.verbs.includes('get')) continue;
      const k = `${r.group}/${r.kind}`;
      if (!this.byKind.has(k)) this.byKind.set(k, r);
    }
  }

  /** The resource serving `kind` of `apiVersion`'s group; throws UnknownKindError. */
  resourceFor(apiVersion: string, kind: string): DiscoveredResource {
    const r = this.byKind.get(`${groupOf(apiVersion)}/${kind}`);
    if (!r) throw new UnknownKindError(apiVersion, kind);
    return r;
  }

  /** `id` with its namespace cleared when its kind is cluster-scoped. */
  normalize(id: ObjectIdentity): { resource: DiscoveredResource; identity: ObjectIdentity } {
    const resource = this.resourceFor(id.apiVersion, id.kind);
    return { resource, identity: resource.namespaced ? id : { ...id, namespace: '' } };
  }
}
