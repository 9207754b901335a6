/**
 * Secrets: printSecret in pkg/printers/internalversion/printers.go.
 */
import type { Secret } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { SecretDoc } from '../descriptions.js';
import { as } from '../format.js';

export const secretConvertor: TableConvertor = {
  columns: () => [NAME_COLUMN, col('Type', 'string', SecretDoc.type), col('Data', 'string', SecretDoc.data), AGE_COLUMN],
  cells(obj: KubeObject, now: Date): unknown[] {
    const s = as<Secret>(obj);
    // Upstream's v1 -> internal conversion folds stringData into data; an unset type defaults to Opaque.
    const keys = new Set([...Object.keys(s.data ?? {}), ...Object.keys(s.stringData ?? {})]);
    return [
      s.metadata?.name ?? '',
      s.type || 'Opaque',
      keys.size,
      translateTimestampSince(s.metadata?.creationTimestamp, now),
    ];
  },
};
