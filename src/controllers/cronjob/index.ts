/**
 * The CronJob controller: Jobs created on a cron schedule, with the
 * schedule parser and the due-time computation it uses.
 */
export { startCronJobController, type CronJobControllerOptions } from './cronjob-controller.js';
export { CronJobSync, jobFromTemplate, jobNameFor, CRONJOB_SCHEDULED_TIMESTAMP, type CronJobSyncDeps } from './cronjob-sync.js';
export { parseCronSchedule, parseGoDuration, type CronSchedule, type ParseOptions } from '../../api/cron/cron-schedule.js';
export { dueSchedule, earliestTime, nextRunDelay, TOO_MANY_MISSED, type DueSchedule } from './schedule-times.js';
export { formatRfc3339, formatRfc1123zUtc, wallClock, instantOf } from '../../api/cron/zoned-time.js';
