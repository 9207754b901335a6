/**
 * A discovery client: which resources the server serves, from the legacy
 * discovery documents (`GET /api`, `/api/v1`, `/apis`, `/apis/<g>/<v>`).
 * serverPreferredResources follows client-go's ServerPreferredResources: per
 * group-resource, the preferred version's entry, else the first version's.
 */
import type { APIGroupList, APIResource, APIResourceList, APIVersions } from 'kubernetes-types/meta/v1.js';
import type { RestClient } from './rest-client.js';
import type { ResourceDescriptor } from './resource.js';

/** One discovered resource (never a subresource). */
export interface DiscoveredResource extends ResourceDescriptor {
  kind: string;
  verbs: string[];
}

/** Discovery failed for some group/versions; the rest were discovered (client-go's ErrGroupDiscoveryFailed). */
export class GroupDiscoveryFailedError extends Error {
  /** `group/version` (or `v1`) -> its error. */
  readonly groups: ReadonlyMap<string, Error>;
  constructor(groups: Map<string, Error>) {
    const parts = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([gv, e]) => `${gv}: ${e.message}`);
    super(`unable to retrieve the complete list of server APIs: ${parts.join(', ')}`);
    this.name = 'GroupDiscoveryFailedError';
    this.groups = groups;
  }
}

export interface DiscoveryResult {
  resources: DiscoveredResource[];
  /** Set when some group/versions could not be read; `resources` holds the others. */
  error?: GroupDiscoveryFailedError;
  /** Group/version strings that did not parse (client-go's GroupVersionResources errors). */
  parseErrors: string[];
}

interface GroupVersionEntry { group: string; version: string; preferred: boolean }

/** `apps/v1` -> {apps, v1}; `v1` -> {"", v1}; anything else is malformed. */
export function parseGroupVersion(gv: string): { group: string; version: string } | undefined {
  const parts = gv.split('/');
  if (parts.length === 1 && parts[0]) return { group: '', version: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { group: parts[0], version: parts[1] };
  return undefined;
}

/**
 * The server's preferred resources. Failing group/versions are reported in
 * `error` rather than thrown; only a failure of `/api` or `/apis` themselves
 * rejects.
 */
export async function serverPreferredResources(client: RestClient): Promise<DiscoveryResult> {
  const [core, groups] = await Promise.all([
    client.request<APIVersions>('GET', '/api'),
    client.request<APIGroupList>('GET', '/apis'),
  ]);
  const entries: GroupVersionEntry[] = [];
  const parseErrors: string[] = [];
  for (const v of core.versions ?? []) entries.push({ group: '', version: v, preferred: v === core.versions[0] });
  for (const g of groups.groups ?? []) {
    for (const v of g.versions ?? []) {
      const gv = parseGroupVersion(v.groupVersion);
      if (!gv || gv.group !== g.name) { parseErrors.push(`unexpected GroupVersion string: ${v.groupVersion}`); continue; }
      entries.push({ group: g.name, version: v.version, preferred: v.version === g.preferredVersion?.version });
    }
  }
  const failed = new Map<string, Error>();
  const lists = await Promise.all(entries.map(async (e) => {
    const path = e.group ? `/apis/${e.group}/${e.version}` : `/api/${e.version}`;
    try {
      return await client.request<APIResourceList>('GET', path);
    } catch (err) {
      failed.set(e.group ? `${e.group}/${e.version}` : e.version, err instanceof Error ? err : new Error(String(err)));
      return undefined;
    }
  }));
  const chosen = new Map<string, DiscoveredResource>();
  entries.forEach((e, i) => {
    for (const r of lists[i]?.resources ?? []) {
      if (r.name.includes('/')) continue;
      const gr = `${e.group}/${r.name}`;
      if (chosen.has(gr) && !e.preferred) continue;
      chosen.set(gr, toDescriptor(e, r));
    }
  });
  return {
    resources: [...chosen.values()],
    ...(failed.size ? { error: new GroupDiscoveryFailedError(failed) } : {}),
    parseErrors,
  };
}

function toDescriptor(e: GroupVersionEntry, r: APIResource): DiscoveredResource {
  return { group: e.group, version: e.version, resource: r.name, namespaced: r.namespaced, kind: r.kind, verbs: [...r.verbs] };
}
