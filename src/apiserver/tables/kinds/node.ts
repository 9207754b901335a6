/**
 * Nodes: printNode and findNodeRoles in pkg/printers/internalversion/printers.go.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, NAME_COLUMN, col, wide } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { NodeStatusDoc, NodeSystemInfoDoc } from '../descriptions.js';
import { as } from '../format.js';

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_LABEL_ROLE = 'kubernetes.io/role';

/** "Ready", "NotReady" or "Unknown" from the Ready condition, then ",SchedulingDisabled" when cordoned. */
export function nodeStatus(node: Node): string {
  const status: string[] = [];
  // The last condition of a type wins, as in upstream's condition map.
  const ready = (node.status?.conditions ?? []).filter((c) => c.type === 'Ready').pop();
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (status.length === 0) status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

/** Sorted unique roles from `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role=<role>`; "<none>" when none. */
export function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(NODE_ROLE_PREFIX)) {
      const role = k.slice(NODE_ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === NODE_LABEL_ROLE && v !== '') {
      roles.add(v);
    }
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function address(node: Node, type: string): string {
  return (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? '<none>';
}

export const nodeConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    AGE_COLUMN,
    col('Version', 'string', NodeSystemInfoDoc.kubeletVersion),
    wide('Internal-IP', 'string', NodeStatusDoc.addresses),
    wide('External-IP', 'string', NodeStatusDoc.addresses),
    wide('OS-Image', 'string', NodeSystemInfoDoc.osImage),
    wide('Kernel-Version', 'string', NodeSystemInfoDoc.kernelVersion),
    wide('Container-Runtime', 'string', NodeSystemInfoDoc.containerRuntimeVersion),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const node = as<Node>(obj);
    const info = node.status?.nodeInfo;
    return [
      node.metadata?.name ?? '',
      nodeStatus(node),
      nodeRoles(node),
      translateTimestampSince(node.metadata?.creationTimestamp, now),
      info?.kubeletVersion ?? '',
      address(node, 'InternalIP'),
      address(node, 'ExternalIP'),
      info?.osImage || '<unknown>',
      info?.kernelVersion || '<unknown>',
      info?.containerRuntimeVersion || '<unknown>',
    ];
  },
};
