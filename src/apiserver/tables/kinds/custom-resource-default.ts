/**
 * The table for a CustomResourceDefinition version without
 * additionalPrinterColumns: apiextensions-apiserver logically defaults the
 * columns to one `Age` column of type date at `.metadata.creationTimestamp`
 * (serveDefaultColumnsIfEmpty), after the Name column its tableconvertor adds.
 * The date cell is the timestamp itself; kubectl turns it into an age.
 */
import type { KubeObject } from '../../../api/object.js';
import { NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { ObjectMetaDoc } from '../descriptions.js';

export const customResourceDefaultConvertor: TableConvertor = {
  columns: () => [NAME_COLUMN, col('Age', 'date', ObjectMetaDoc.creationTimestamp)],
  // A missing timestamp finds no JSONPath result: the cell is null.
  cells: (obj: KubeObject): unknown[] => [obj.metadata?.name ?? '', obj.metadata?.creationTimestamp ?? null],
};
