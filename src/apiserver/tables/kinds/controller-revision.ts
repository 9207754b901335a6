/**
 * ControllerRevisions: printControllerRevision in pkg/printers/internalversion/printers.go.
 */
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { parseApiVersion } from '../../../api/resources.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { ControllerRevisionDoc } from '../descriptions.js';
import { as } from '../format.js';

/** "statefulset.apps/web" for the controlling owner; "<none>" without one. */
function controllerName(cr: ControllerRevision): string {
  const ref = (cr.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const { group } = parseApiVersion(ref.apiVersion ?? '');
  const groupKind = group ? `${ref.kind}.${group}` : ref.kind;
  return groupKind ? `${groupKind.toLowerCase()}/${ref.name}` : ref.name;
}

export const controllerRevisionConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Controller', 'string', 'Controller of the object'),
    col('Revision', 'string', ControllerRevisionDoc.revision),
    AGE_COLUMN,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const cr = as<ControllerRevision>(obj);
    return [cr.metadata?.name ?? '', controllerName(cr), cr.revision ?? 0, translateTimestampSince(cr.metadata?.creationTimestamp, now)];
  },
};
