/**
 * Every controller the manager can run, in upstream's --controllers names.
 * Add a controller here (one line) and it runs under `k8ts server`.
 */
import type { ControllerDescriptor } from './context.js';
import { startNamespaceController } from './namespace.js';
import { startGarbageCollector } from './garbage-collector/index.js';
import { replicaSetDescriptor, replicationControllerDescriptor } from './replicaset/index.js';
import { deploymentDescriptor } from './deployment/index.js';

export const CONTROLLERS: readonly ControllerDescriptor[] = [
  {
    name: 'namespace',
    start: (ctx) => startNamespaceController({ client: ctx.client, logger: ctx.logger }),
  },
  {
    name: 'garbagecollector',
    start: (ctx) => startGarbageCollector({ client: ctx.client, logger: ctx.logger, informerFactory: ctx.informers }),
  },
  replicaSetDescriptor,
  replicationControllerDescriptor,
  deploymentDescriptor,
];
