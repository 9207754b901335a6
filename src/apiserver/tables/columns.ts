/**
 * Shorthand for column definitions and the columns most kinds share.
 */
import { ObjectMetaDoc } from './descriptions.js';
import type { TableColumnDefinition } from './table-types.js';

/** A column; `format` defaults to '' and `priority` to 0, as upstream serializes them. */
export function col(
  name: string,
  type: string,
  description: string,
  opts: { format?: string; priority?: number } = {},
): TableColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

/** A priority-1 (wide-only) column. */
export function wide(name: string, type: string, description: string): TableColumnDefinition {
  return col(name, type, description, { priority: 1 });
}

/** The `Name` column every printer starts with. */
export const NAME_COLUMN: TableColumnDefinition = col('Name', 'string', ObjectMetaDoc.name, { format: 'name' });

/** The `Age` column (a server-formatted string). */
export const AGE_COLUMN: TableColumnDefinition = col('Age', 'string', ObjectMetaDoc.creationTimestamp);

export const CONTAINERS_DOC = 'Names of each container in the template.';
export const IMAGES_DOC = 'Images referenced by each container in the template.';
