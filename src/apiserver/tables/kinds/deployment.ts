/**
 * Deployments: printDeployment in pkg/printers/internalversion/printers.go.
 */
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { translateTimestampSince } from '../age.js';
import { AGE_COLUMN, CONTAINERS_DOC, IMAGES_DOC, NAME_COLUMN, col, wide } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { DeploymentSpecDoc, DeploymentStatusDoc } from '../descriptions.js';
import { as, labelSelectorString, layoutContainerCells } from '../format.js';

export const deploymentConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', DeploymentStatusDoc.updatedReplicas),
    col('Available', 'string', DeploymentStatusDoc.availableReplicas),
    AGE_COLUMN,
    wide('Containers', 'string', CONTAINERS_DOC),
    wide('Images', 'string', IMAGES_DOC),
    wide('Selector', 'string', DeploymentSpecDoc.selector),
  ],
  cells(obj: KubeObject, now: Date): unknown[] {
    const d = as<Deployment>(obj);
    const [names, images] = layoutContainerCells(d.spec?.template?.spec?.containers);
    // Unlike FormatLabelSelector, an empty selector prints as "" here.
    const selector = labelSelectorString(d.spec?.selector) ?? '<invalid>';
    return [
      d.metadata?.name ?? '',
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      translateTimestampSince(d.metadata?.creationTimestamp, now),
      names, images, selector,
    ];
  },
};
