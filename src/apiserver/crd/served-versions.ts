/**
 * What a CustomResourceDefinition serves: one ResourceDef per served version
 * (all stored under `/registry/<group>/<plural>/` in the storage version),
 * with its compiled schema, printer columns and scale paths.
 */
import type { ResourceDef, SubresourceDef } from '../../api/resources.js';
import { STANDARD_VERBS } from '../../api/resources.js';
import type { WithMeta } from '../../api/object.js';
import {
  compileSchema, DEFAULT_PRINTER_COLUMNS, printerColumnCells, printerColumnDefinitions,
  type CompiledSchema, type CustomResourceDefinition, type CustomResourceDefinitionVersion,
} from '../../api/apiextensions/index.js';
import { translateTimestampSince, type TableConvertor } from '../tables/index.js';
import type { TableColumnDefinition } from '../tables/table-types.js';

export interface ServedVersion {
  def: ResourceDef;
  schema: CompiledSchema;
  version: CustomResourceDefinitionVersion;
  table: TableConvertor;
}

const NAME_COLUMN: TableColumnDefinition = {
  name: 'Name', type: 'string', format: 'name', priority: 0,
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
};

function tableFor(v: CustomResourceDefinitionVersion): TableConvertor {
  const cols = v.additionalPrinterColumns?.length ? v.additionalPrinterColumns : [...DEFAULT_PRINTER_COLUMNS];
  const defs = printerColumnDefinitions(cols) as TableColumnDefinition[];
  // Date columns are shown as ages, as upstream's ConvertToHumanReadableDateType does.
  const dates = cols.map((c) => c.type === 'date');
  return {
    columns: () => [NAME_COLUMN, ...defs],
    cells: (obj, now) => [obj.metadata?.name ?? '', ...printerColumnCells(obj as WithMeta, cols)
      .map((v, i) => (dates[i] && typeof v === 'string' ? translateTimestampSince(v, now) : v))],
  };
}

/** Compiles a CRD into its served versions; throws when a schema does not compile. */
export function servedVersions(crd: CustomResourceDefinition, compiled: Map<string, CompiledSchema>): ServedVersion[] {
  const { group, names, scope } = crd.spec;
  const storage = crd.spec.versions.find((v) => v.storage)?.name ?? crd.spec.versions[0].name;
  const out: ServedVersion[] = [];
  for (const v of crd.spec.versions) {
    if (!v.served) continue;
    const key = `${v.name}|${JSON.stringify(v.schema?.openAPIV3Schema ?? null)}`;
    let schema = compiled.get(key);
    if (!schema) { schema = compileSchema(v.schema?.openAPIV3Schema); compiled.set(key, schema); }
    const subresources: SubresourceDef[] = [];
    if (v.subresources?.scale) subresources.push({ name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    if (v.subresources?.status) subresources.push({ name: 'status', verbs: ['get', 'patch', 'update'] });
    out.push({
      schema, version: v, table: tableFor(v),
      def: {
        group, version: v.name, kind: names.kind, plural: names.plural,
        singular: names.singular ?? names.kind.toLowerCase(), namespaced: scope === 'Namespaced',
        ...(names.shortNames?.length ? { shortNames: names.shortNames } : {}),
        ...(names.categories?.length ? { categories: names.categories } : {}),
        verbs: STANDARD_VERBS, subresources,
        storage: { prefix: `/registry/${group}/${names.plural}/`, group, version: storage },
      },
    });
  }
  return out;
}
