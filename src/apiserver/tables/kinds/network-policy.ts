/**
 * NetworkPolicies: printNetworkPolicy in pkg/printers/internalversion/printers.go.
 */
import type { NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { NetworkPolicySpecDoc } from '../descriptions.js';
import { as, formatLabelSelector } from '../format.js';

export const networkPolicyConvertor: TableConvertor = {
  columns: () => [NAME_COLUMN, col('Pod-Selector', 'string', NetworkPolicySpecDoc.podSelector), AGE_COLUMN],
  cells(obj: KubeObject, now: Date): unknown[] {
    const np = as<NetworkPolicy>(obj);
    // podSelector is a non-pointer struct upstream: absent means the empty selector, "<none>".
    return [np.metadata?.name ?? '', formatLabelSelector(np.spec?.podSelector ?? {}), translateTimestampSince(np.metadata?.creationTimestamp, now)];
  },
};
