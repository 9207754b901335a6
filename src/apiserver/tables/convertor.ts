/**
 * The seam between a resource and its `kubectl get` table.
 */
import type { KubeObject } from '../../api/object.js';
import type { TableColumnDefinition, TableRowCondition } from './table-types.js';

/**
 * Turns objects of one resource into Table rows, as upstream's printers do
 * with GenerateOptions{Wide: true} (the API server always emits the wide
 * cells; kubectl hides priority > 0 columns unless `-o wide`).
 */
export interface TableConvertor {
  /** All column definitions, wide ones included, in cell order. Callers must not mutate the definitions. */
  columns(): TableColumnDefinition[];
  /**
   * One cell per column for `obj`, in column order. Pure: must not mutate `obj`
   * and must not read the clock; ages are computed against `now`.
   */
  cells(obj: KubeObject, now: Date): unknown[];
  /** Row conditions (pods: `Completed` when Succeeded or Failed); undefined when none. */
  conditions?(obj: KubeObject): TableRowCondition[] | undefined;
}
