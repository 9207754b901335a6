/**
 * API discovery: the legacy documents (APIVersions, APIGroupList, APIGroup,
 * APIResourceList) and the aggregated ones (apidiscovery.k8s.io v2 and
 * v2beta1), all derived from the served resources (COMPAT.md section 1).
 */
import type { ResourceDef, SubresourceDef } from '../api/resources.js';
import { apiVersionOf } from '../api/resources.js';

/** Preferred version first within a group: v2 before v1, v1 before v1beta1. */
function versionPriority(v: string): number[] {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return [0, 0, 0];
  const major = Number(m[1]);
  const stage = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
  return [stage, major, Number(m[3] ?? 0)];
}

function compareVersions(a: string, b: string): number {
  const pa = versionPriority(a);
  const pb = versionPriority(b);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pb[i] - pa[i];
  return a.localeCompare(b);
}

interface GroupInfo { name: string; versions: string[] }

export function groupsOf(defs: readonly ResourceDef[]): GroupInfo[] {
  const groups = new Map<string, Set<string>>();
  for (const d of defs) {
    if (!groups.has(d.group)) groups.set(d.group, new Set());
    groups.get(d.group)!.add(d.version);
  }
  return [...groups.entries()].map(([name, vs]) => ({ name, versions: [...vs].sort(compareVersions) }));
}

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions', versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(g: GroupInfo): object {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

export function apiGroupList(defs: readonly ResourceDef[]): object {
  return {
    kind: 'APIGroupList', apiVersion: 'v1',
    groups: groupsOf(defs).filter((g) => g.name !== '').map(apiGroup),
  };
}

export function apiGroupDoc(defs: readonly ResourceDef[], group: string): object | undefined {
  const g = groupsOf(defs).find((x) => x.name === group);
  return g && group !== '' ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) } : undefined;
}

export function apiResourceList(defs: readonly ResourceDef[], group: string, version: string): object | undefined {
  const mine = defs.filter((d) => d.group === group && d.version === version);
  if (mine.length === 0) return undefined;
  const resources: object[] = [];
  for (const d of [...mine].sort((a, b) => a.plural.localeCompare(b.plural))) {
    resources.push({
      name: d.plural, singularName: d.singular, namespaced: d.namespaced, kind: d.kind, verbs: d.verbs,
      ...(d.shortNames ? { shortNames: d.shortNames } : {}),
      ...(d.categories ? { categories: d.categories } : {}),
    });
    for (const s of d.subresources) {
      resources.push({
        name: `${d.plural}/${s.name}`, singularName: '', namespaced: d.namespaced,
        ...(s.group !== undefined ? { group: s.group } : {}), ...(s.version !== undefined ? { version: s.version } : {}),
        kind: s.kind ?? d.kind, verbs: s.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
}

function subresourceDoc(d: ResourceDef, s: SubresourceDef): object {
  return {
    subresource: s.name,
    responseKind: { group: s.group ?? d.group, version: s.version ?? d.version, kind: s.kind ?? d.kind },
    verbs: s.verbs,
  };
}

/**
 * The aggregated document for `/api` (core group only) or `/apis` (all other
 * groups), as APIGroupDiscoveryList in apidiscovery.k8s.io/<version>.
 */
export function aggregatedDiscovery(defs: readonly ResourceDef[], which: 'api' | 'apis', version: 'v2' | 'v2beta1'): object {
  const groups = groupsOf(defs).filter((g) => (which === 'api' ? g.name === '' : g.name !== ''));
  return {
    kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.name },
      versions: g.versions.map((v) => ({
        version: v,
        freshness: 'Current',
        resources: defs.filter((d) => d.group === g.name && d.version === v)
          .sort((a, b) => a.plural.localeCompare(b.plural))
          .map((d) => ({
            resource: d.plural,
            responseKind: { group: d.group, version: d.version, kind: d.kind },
            scope: d.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: d.singular,
            verbs: d.verbs,
            ...(d.shortNames ? { shortNames: d.shortNames } : {}),
            ...(d.categories ? { categories: d.categories } : {}),
            ...(d.subresources.length ? { subresources: d.subresources.map((s) => subresourceDoc(d, s)) } : {}),
          })),
      })),
    })),
  };
}

export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}
