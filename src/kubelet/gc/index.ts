/** The kubelet's garbage collection of dead containers, sandboxes and unused images. */
export * from './container-gc.js';
export * from './image-gc.js';
export * from './garbage-collector.js';
export * from './pod-logs-gc.js';
