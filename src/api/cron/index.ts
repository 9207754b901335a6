/**
 * Cron schedules as CronJobs use them (robfig/cron's ParseStandard, with
 * robfig's error messages): the API server validates with them and the
 * cronjob controller computes run times with them. Pure functions; time
 * zones through Intl.
 */
export { parseCronSchedule, parseGoDuration, type CronSchedule, type ParseOptions } from './cron-schedule.js';
export { formatRfc3339, formatRfc1123zUtc, wallClock, instantOf, isKnownTimeZone, localTimeZone, type WallClock } from './zoned-time.js';
