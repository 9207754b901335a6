/**
 * The Job controller: pods run to completion, counted through the
 * batch.kubernetes.io/job-tracking finalizer; Complete/Failed conditions.
 */
export { startJobController, type JobControllerOptions } from './job-controller.js';
export { JobSync, type JobSyncDeps } from './job-sync.js';
export { isJobFinished, finishedCondition } from './conditions.js';
export { matchPodFailurePolicy, type PodFailurePolicyMatch } from './pod-failure-policy.js';
export { parseIndexes, formatIndexes } from './indexes.js';
export { nextBackoffRecord, remainingBackoffMs, type BackoffRecord } from './backoff.js';
export * from './constants.js';
