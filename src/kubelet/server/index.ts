/**
 * The kubelet's HTTPS server (port 10250): health, pods, metrics, resource
 * metrics and the Summary API, with its self-signed serving certificate.
 */
export * from './server.js';
export * from './serving-cert.js';
export * from './kubelet-metrics.js';
export * from './pod-start-tracker.js';
export * from './resource-metrics.js';
export * from './stats-provider.js';
export * from './node-stats.js';
export type { Summary, NodeStats, PodStats, CPUStats, MemoryStats, FsStats } from './stats-types.js';
export * from './start.js';
export * from './container-logs.js';
