/**
 * Every controller the manager can run, in upstream's --controllers names.
 * Add a controller here (one line) and it runs under `k8ts server`.
 */
import type { ControllerDescriptor } from './context.js';
import { EventRecorder } from '../client/event-recorder.js';
import { startNamespaceController } from './namespace.js';
import { startGarbageCollector } from './garbage-collector/index.js';
import { startNodeLifecycleController, startTaintEvictionController } from './nodelifecycle/index.js';
import { startPersistentVolumeController } from './volume/index.js';
import { startJobController } from './job/index.js';
import { startCronJobController } from './cronjob/index.js';
import { startTtlAfterFinishedController } from './ttl-after-finished.js';
import { startEndpointsController } from './endpoint/index.js';
import { startEndpointSliceController } from './endpointslice/index.js';
import { startServiceAccountController } from './serviceaccount.js';
import { startResourceQuotaController } from './resourcequota/index.js';
import { startDisruptionController } from './disruption.js';
import { startDaemonSetController } from './daemonset/index.js';
import { startStatefulSetController } from './statefulset/index.js';
import { replicaSetDescriptor, replicationControllerDescriptor } from './replicaset/index.js';
import { deploymentDescriptor } from './deployment/index.js';
import { startLocalPathProvisioner } from './local-path/index.js';
import { nodeIpamParams, startNodeIpamController } from './nodeipam/index.js';

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
    name: 'nodelifecycle',
    start: (ctx) => startNodeLifecycleController({
      client: ctx.client, informers: ctx.informers, logger: ctx.logger,
      // Upstream's node lifecycle controller records as `node-controller`.
      recorder: new EventRecorder({ client: ctx.client, component: 'node-controller', logger: ctx.logger }),
      nodeMonitorGracePeriodMs: ctx.config.nodeMonitorGracePeriodMs, nodeMonitorPeriodMs: ctx.config.nodeMonitorPeriodMs,
    }),
  },
  {
    name: 'taint-eviction-controller',
    start: (ctx) => startTaintEvictionController({
      client: ctx.client, informers: ctx.informers, logger: ctx.logger,
      recorder: new EventRecorder({ client: ctx.client, component: 'taint-eviction-controller', logger: ctx.logger }),
    }),
  },
  {
    name: 'persistentvolume-binder',
    start: (ctx) => startPersistentVolumeController({
      client: ctx.client, informers: ctx.informers, logger: ctx.logger,
      // Upstream's PV controller records as `persistentvolume-controller`.
      recorder: new EventRecorder({ client: ctx.client, component: 'persistentvolume-controller', logger: ctx.logger }),
    }),
  },
  {
    name: 'job',
    start: (ctx) => startJobController({ client: ctx.client, informers: ctx.informers, recorder: ctx.recorder, logger: ctx.logger, workers: ctx.config.concurrentSyncs }),
  },
  {
    name: 'cronjob',
    start: (ctx) => startCronJobController({ client: ctx.client, informers: ctx.informers, recorder: ctx.recorder, logger: ctx.logger, workers: ctx.config.concurrentSyncs }),
  },
  {
    name: 'ttl-after-finished',
    start: (ctx) => startTtlAfterFinishedController({ client: ctx.client, informers: ctx.informers, logger: ctx.logger, workers: ctx.config.concurrentSyncs }),
  },
  {
    name: 'endpoint',
    start: (ctx) => startEndpointsController({ client: ctx.client, informers: ctx.informers, logger: ctx.logger, workers: ctx.config.concurrentSyncs }),
  },
  {
    name: 'endpointslice',
    start: (ctx) => startEndpointSliceController({
      client: ctx.client, informers: ctx.informers, logger: ctx.logger, recorder: ctx.recorder, workers: ctx.config.concurrentSyncs,
      maxEndpointsPerSlice: ctx.config.maxEndpointsPerSlice,
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
  {
    name: 'daemonset',
    start: (ctx) => startDaemonSetController({ client: ctx.client, informers: ctx.informers, recorder: ctx.recorder, logger: ctx.logger }),
  },
  {
    name: 'statefulset',
    start: (ctx) => startStatefulSetController({ client: ctx.client, informers: ctx.informers, recorder: ctx.recorder, logger: ctx.logger }),
  },
  {
    // Enabled by default as in k3s (--allocate-node-cidrs); upstream's range allocator records as `cidrAllocator`.
    name: 'node-ipam-controller',
    start: (ctx) => {
      if (!ctx.config.allocateNodeCIDRs) {
        ctx.logger.info('--allocate-node-cidrs is false: node podCIDRs are not allocated');
        return { stop: async () => {} };
      }
      const c = ctx.config;
      return startNodeIpamController({
        client: ctx.client, informers: ctx.informers, logger: ctx.logger,
        recorder: new EventRecorder({ client: ctx.client, component: 'cidrAllocator', logger: ctx.logger }),
        params: nodeIpamParams({
          clusterCIDR: c.clusterCIDR, nodeCIDRMaskSize: c.nodeCIDRMaskSize, nodeCIDRMaskSizeIPv4: c.nodeCIDRMaskSizeIPv4,
          nodeCIDRMaskSizeIPv6: c.nodeCIDRMaskSizeIPv6, serviceCIDR: c.serviceClusterIPRange,
        }),
      });
    },
  },
  replicaSetDescriptor,
  replicationControllerDescriptor,
  deploymentDescriptor,
  {
    // k3s's local-storage addon: the default `local-path` StorageClass and its provisioner.
    name: 'local-path-provisioner',
    start: (ctx) => startLocalPathProvisioner({
      client: ctx.client, informers: ctx.informers, logger: ctx.logger,
      recorder: new EventRecorder({ client: ctx.client, component: 'rancher.io/local-path', logger: ctx.logger }),
    }),
  },
];
