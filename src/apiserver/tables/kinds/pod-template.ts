/**
 * PodTemplates: printPodTemplate in pkg/printers/internalversion/printers.go.
 */
import type { PodTemplate } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../../api/object.js';
import { CONTAINERS_DOC, IMAGES_DOC, NAME_COLUMN, col } from '../columns.js';
import type { TableConvertor } from '../convertor.js';
import { as, formatLabels, layoutContainerCells } from '../format.js';

export const podTemplateConvertor: TableConvertor = {
  columns: () => [
    NAME_COLUMN,
    col('Containers', 'string', CONTAINERS_DOC),
    col('Images', 'string', IMAGES_DOC),
    col('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  cells(obj: KubeObject): unknown[] {
    const pt = as<PodTemplate>(obj);
    const [names, images] = layoutContainerCells(pt.template?.spec?.containers);
    return [pt.metadata?.name ?? '', names, images, formatLabels(pt.template?.metadata?.labels)];
  },
};
