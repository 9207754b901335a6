/**
 * Every controller the manager can run, in upstream's --controllers names.
 * Add a controller here (one line) and it runs under `k8ts server`.
 */
import type { ControllerDescriptor } from './context.js';
import { startNamespaceController } from './namespace.js';
import { startGarbageCollector } from './garbage-collector/index.js';
import { startDaemonSetController } from './daemonset/index.js';
import { startStatefulSetController } from './statefulset/index.js';

export const CONTROLLERS: readonly ControllerDescriptor[] = [
  {
    name: 'namespace',
    start: (ctx) => startNamespaceController({ client: ctx.client, logger: ctx.logger }),
  },
  {
    name: 'garbagecollector',
    start: (ctx) => startGarbageCollector({ client: ctx.client, logger: ctx.logger, informerFactory: ctx.informers }),
  },
  {
    name: 'daemonset',
    start: (ctx) => startDaemonSetController({ client: ctx.client, informers: ctx.informers, recorder: ctx.recorder, logger: ctx.logger }),
  },
  {
    name: 'statefulset',
    start: (ctx) => startStatefulSetController({ client: ctx.client, informers: ctx.informers, recorder: ctx.recorder, logger: ctx.logger }),
  },
];
