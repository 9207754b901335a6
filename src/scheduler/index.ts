/**
 * The scheduler (upstream's kube-scheduler): a scheduling queue, a cache of
 * nodes and pods with assumed pods, the framework's extension points and the
 * in-tree plugins, configured by a KubeSchedulerConfiguration. It is a client
 * of the API server like any other component.
 */
export { startScheduler, schedulerInformers, priorityResolver, type SchedulerOptions, type RunningScheduler, type SchedulerInformers } from './start-scheduler.js';
export {
  loadSchedulerConfig, validateSchedulerConfig, SchedulerConfigError, DEFAULT_SCHEDULER_NAME, DEFAULT_PLUGINS, API_VERSION,
  type KubeSchedulerConfiguration, type Profile,
} from './config.js';
export { explainPod, type PodExplanation, type NodeVerdict } from './explain.js';
export { SchedulerCache } from './cache.js';
export { Framework } from './framework/framework.js';
export { IN_TREE_PLUGINS } from './plugins/registry.js';
