/**
 * meta.k8s.io/v1 Table and its parts, as served for
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. kubernetes-types has
 * no declarations for them. Field names, and which fields are always present,
 * follow k8s.io/apimachinery/pkg/apis/meta/v1/types.go.
 */
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../../api/object.js';

/** One column of a Table. Every field is always serialized (upstream has no omitempty here). */
export interface TableColumnDefinition {
  /** Human-readable column name: `Name`, `Ready`, `Age`. */
  name: string;
  /** OpenAPI type of the cells: `string`, `integer`, `number`, `boolean`, `date`. */
  type: string;
  /** OpenAPI format modifier; `name` marks the column holding the object's name; `''` when none. */
  format: string;
  description: string;
  /** 0 = always shown; > 0 = shown only with `kubectl get -o wide`. */
  priority: number;
}

/** `Completed` is the only row condition upstream defines. */
export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** metadata-only view of an object, kind PartialObjectMetadata. */
export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ObjectMeta;
}

export interface TableRow {
  /** One cell per column definition, in order: strings, integers, booleans. */
  cells: unknown[];
  conditions?: TableRowCondition[];
  /**
   * The row's object, per `?includeObject=`: PartialObjectMetadata (Metadata,
   * the default), the full object (Object), or `null` (None; upstream
   * serializes the emptied RawExtension as `null`).
   */
  object: PartialObjectMetadata | KubeObject | null;
}

export interface TableListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: TableListMeta;
  /**
   * `null` when headers were not asked for (TableOptions.noHeaders, set by the
   * watch handler for every event after the first): upstream leaves the slice
   * nil and the field has no omitempty.
   */
  columnDefinitions: TableColumnDefinition[] | null;
  rows: TableRow[];
}

/** Values of `?includeObject=`; an absent value means Metadata. */
export type IncludeObjectPolicy = 'None' | 'Metadata' | 'Object';
