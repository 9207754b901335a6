/**
 * CronJob schedule validation: robfig's error text for an invalid schedule,
 * which upstream puts in the field error verbatim (the parser is
 * api/cron, the one the cronjob controller runs schedules with).
 */
import { parseCronSchedule } from '../../../api/cron/index.js';

/** Empty when `spec` parses; otherwise robfig's error text. */
export function cronScheduleErrors(spec: string): string[] {
  try {
    parseCronSchedule(spec, { timeZone: 'UTC' });
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}
