/**
 * Every controller the manager can run, in upstream's --controllers names.
 * Add a controller here (one line) and it runs under `k8ts server`.
 */
import type { ControllerDescriptor } from './context.js';
import { startNamespaceController } from './namespace.js';
import { startGarbageCollector } from './garbage-collector/index.js';
import { startEndpointsController } from './endpoint/index.js';
import { startEndpointSliceController, type EndpointSliceConfig } from './endpointslice/index.js';
import { startServiceAccountController } from './serviceaccount.js';
import { startResourceQuotaController } from './resourcequota/index.js';
import { startDisruptionController } from './disruption.js';

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
    name: 'endpoint',
    start: (ctx) => startEndpointsController({ client: ctx.client, informers: ctx.informers, logger: ctx.logger, workers: ctx.config.concurrentSyncs }),
  },
  {
    name: 'endpointslice',
    start: (ctx) => startEndpointSliceController({
      client: ctx.client, informers: ctx.informers, logger: ctx.logger, recorder: ctx.recorder, workers: ctx.config.concurrentSyncs,
      ...((ctx.config as Partial<EndpointSliceConfig>).maxEndpointsPerSlice ? { maxEndpointsPerSlice: (ctx.config as Partial<EndpointSliceConfig>).maxEndpointsPerSlice } : {}),
    }),
  },
  {
    name: 'serviceaccount',
    start: (ctx) => startServiceAccountController({ client: ctx.client, informers: ctx.informers, logger: ctx.logger }),
  },
  {
    name: 'resourcequota',
    start: (ctx) => startResourceQuotaController({ client: ctx.client, informers: ctx.informers, logger: ctx.logger, workers: ctx.config.concurrentSyncs }),
  },
  {
    name: 'disruption',
    start: (ctx) => startDisruptionController({ client: ctx.client, informers: ctx.informers, logger: ctx.logger, recorder: ctx.recorder }),
  },
];
