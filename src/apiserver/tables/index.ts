/**
 * `kubectl get` tables: per-resource column definitions and cells matching
 * upstream's printers, and the meta.k8s.io/v1 Table built from them.
 */
export type { TableConvertor } from './convertor.js';
export { tableConvertorFor } from './registry.js';
export { buildTable } from './build-table.js';
export type { BuildTableOptions } from './build-table.js';
export { customResourceDefaultConvertor } from './kinds/custom-resource-default.js';
export { humanDuration, shortHumanDuration, translateTimestampSince } from './age.js';
export type {
  IncludeObjectPolicy, PartialObjectMetadata, Table, TableColumnDefinition, TableListMeta, TableRow, TableRowCondition,
} from './table-types.js';
