/**
 * Which OpenAPI definition describes a served kind, found through the
 * definitions' `x-kubernetes-group-version-kind` extensions.
 */
import type { ResourceDef } from '../api/resources.js';
import { getDefinitions } from '../api/openapi/index.js';

let byGvk: Map<string, string> | undefined;

export function kindDefinition(def: Pick<ResourceDef, 'group' | 'version' | 'kind'>): string | undefined {
  if (!byGvk) {
    byGvk = new Map();
    for (const [name, s] of Object.entries(getDefinitions())) {
      for (const g of s['x-kubernetes-group-version-kind'] ?? []) byGvk.set(`${g.group}/${g.version}/${g.kind}`, name);
    }
  }
  return byGvk.get(`${def.group}/${def.version}/${def.kind}`);
}
