/**
 * CronJob spec.timeZone checks (upstream's validateTimeZone): a non-empty IANA
 * name, not `Local`, that the time-zone database knows.
 */
import type { FieldError, FieldPath } from '../../../api/field-errors.js';
import { invalidValue } from '../../../api/field-errors.js';

const PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

function known(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function validateTimeZone(tz: string | undefined, path: FieldPath): FieldError[] {
  if (tz === undefined) return [];
  if (tz === '') return [invalidValue(path, tz, 'timeZone must be nil or non-empty string')];
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !PART.test(part)) {
      return [invalidValue(path, tz, `unknown time zone ${tz}`)];
    }
  }
  if (tz.toLowerCase() === 'local') {
    return [invalidValue(path, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones')];
  }
  return known(tz) ? [] : [invalidValue(path, tz, `unknown time zone ${tz}`)];
}
