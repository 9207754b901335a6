/**
 * Assembles a meta.k8s.io/v1 Table from objects and a convertor, the way
 * upstream's TableConvertor (printers/storage) plus the handlers' asTable do.
 */
import type { KubeObject } from '../../api/object.js';
import type { TableConvertor } from './convertor.js';
import type { IncludeObjectPolicy, Table, TableListMeta, TableRow } from './table-types.js';

export interface BuildTableOptions {
  /** `?includeObject=`: Metadata (kubectl's default) = PartialObjectMetadata, Object = the object as given, None = null. */
  includeObject: IncludeObjectPolicy;
  /**
   * TableOptions.noHeaders: when true, columnDefinitions is `null` (upstream
   * leaves it nil). Watches set it for every event after the first.
   * @default false
   */
  noHeaders?: boolean;
  /** The instant ages are computed against. */
  now: Date;
  /**
   * List metadata for a list response. When absent (a single GET or a watch
   * event), metadata.resourceVersion is the sole object's resourceVersion, as
   * upstream takes it from the object itself.
   */
  listMeta?: TableListMeta;
}

function tableMetadata(objs: KubeObject[], listMeta: TableListMeta | undefined): TableListMeta {
  const out: TableListMeta = {};
  if (listMeta) {
    if (listMeta.resourceVersion) out.resourceVersion = listMeta.resourceVersion;
    if (listMeta.continue) out.continue = listMeta.continue;
    if (listMeta.remainingItemCount !== undefined) out.remainingItemCount = listMeta.remainingItemCount;
  } else if (objs.length === 1 && objs[0]!.metadata?.resourceVersion) {
    out.resourceVersion = objs[0]!.metadata.resourceVersion;
  }
  return out;
}

function rowObject(obj: KubeObject, policy: IncludeObjectPolicy): TableRow['object'] {
  switch (policy) {
    case 'None': return null;
    case 'Object': return obj;
    case 'Metadata': return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} };
  }
}

/**
 * One row per object, in the given order. Does not mutate the objects; the
 * rows reference them (Object) or their metadata (Metadata), so callers must
 * not mutate the objects while the table is in use.
 */
export function buildTable(objs: KubeObject[], conv: TableConvertor, opts: BuildTableOptions): Table {
  const rows = objs.map((obj): TableRow => {
    const row: TableRow = { cells: conv.cells(obj, opts.now), object: rowObject(obj, opts.includeObject) };
    const conditions = conv.conditions?.(obj);
    if (conditions && conditions.length > 0) row.conditions = conditions;
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: tableMetadata(objs, opts.listMeta),
    columnDefinitions: opts.noHeaders ? null : conv.columns().map((c) => ({ ...c })),
    rows,
  };
}
