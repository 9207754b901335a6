/**
 * The Deployment controller: rollouts (RollingUpdate, Recreate) over
 * ReplicaSets named by pod-template hash, revisions and rollback, pause,
 * proportional scaling, progress deadlines. Register with
 * `deploymentDescriptor` (upstream's --controllers alias `deployment`).
 */
import type { ControllerDescriptor } from '../context.js';
import { startDeploymentController } from './deployment-controller.js';

export { startDeploymentController, type DeploymentControllerOptions, type RunningDeploymentController } from './deployment-controller.js';
export {
  REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, CHANGE_CAUSE_ANNOTATION,
} from './annotations.js';
export { AVAILABLE, PROGRESSING, REASONS } from './conditions.js';
export { POD_TEMPLATE_HASH_LABEL, equalIgnoreHash } from './replica-sets.js';
export { resolveFenceposts, scaledValue } from './int-or-percent.js';

export const deploymentDescriptor: ControllerDescriptor = {
  name: 'deployment',
  start: (ctx) => startDeploymentController({
    client: ctx.client, informers: ctx.informers, recorder: ctx.recorder, logger: ctx.logger, workers: ctx.config.concurrentSyncs,
  }),
};
