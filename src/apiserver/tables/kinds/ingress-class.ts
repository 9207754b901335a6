/**
 * IngressClasses: printIngressClass in pkg/printers/internalversion/printers.go.
 */
import type { IngressClass } from 'kubernetes-types/networking/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { as } from '../format.js';

export const ingressClassConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Controller', 'string', 'Controller that is responsible for handling this class'),
    col('Parameters', 'string', 'A reference to a resource with additional parameters'),
    AGE_COLUMN,
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const ic = as<IngressClass>(obj);
    const p = ic.spec?.parameters;
    // "Kind.apiGroup/name", or "Kind/name" without an apiGroup.
    const parameters = p ? `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name}` : '<none>';
    return [ic.metadata?.name ?? '', ic.spec?.controller ?? '', parameters, translateTimestampSince(ic.metadata?.creationTimestamp, now)];
  },
};
