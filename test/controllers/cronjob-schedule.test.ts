/** The cron parser, next-run computation in time zones, and the due-time rules of CronJobs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dueSchedule, earliestTime, formatRfc1123zUtc, formatRfc3339, jobNameFor, nextRunDelay, parseCronSchedule, parseGoDuration,
} from '../../src/controllers/cronjob/index.js';

const utc = (s: string): number => Date.parse(s);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z'));
const nextOf = (spec: string, from: string, timeZone = 'UTC'): string | undefined => iso(parseCronSchedule(spec, { timeZone }).next(utc(from)));

test('next run times of five-field schedules (UTC)', () => {
  const cases: [string, string, string][] = [
    ['* * * * *', '2024-01-01T00:00:00Z', '2024-01-01T00:01:00Z'],
    ['* * * * *', '2024-01-01T00:00:30Z', '2024-01-01T00:01:00Z'],
    ['*/15 * * * *', '2024-01-01T00:14:59Z', '2024-01-01T00:15:00Z'],
    ['*/15 * * * *', '2024-01-01T00:45:00Z', '2024-01-01T01:00:00Z'],
    ['5 4 * * *', '2024-01-01T04:05:00Z', '2024-01-02T04:05:00Z'],
    ['0 22 * * 1-5', '2024-01-05T22:00:00Z', '2024-01-08T22:00:00Z'], // Friday -> Monday
    ['0 0,12 1 */2 *', '2024-01-01T00:00:00Z', '2024-01-01T12:00:00Z'],
    ['0 0,12 1 */2 *', '2024-01-01T12:00:00Z', '2024-03-01T00:00:00Z'],
    ['0 0 29 2 *', '2024-03-01T00:00:00Z', '2028-02-29T00:00:00Z'],
    ['0 0 31 * *', '2024-04-01T00:00:00Z', '2024-05-31T00:00:00Z'],
    ['30 8 * jan,JUL mon', '2024-01-02T00:00:00Z', '2024-01-08T08:30:00Z'],
    ['0 9 * * sun', '2024-01-01T00:00:00Z', '2024-01-07T09:00:00Z'],
    ['10-20/5 * * * *', '2024-01-01T00:16:00Z', '2024-01-01T00:20:00Z'],
    ['10/20 * * * *', '2024-01-01T00:31:00Z', '2024-01-01T00:50:00Z'],
    ['0 0 ? * *', '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z'],
    // Both day fields restricted: either matches (the 13th, or any Friday).
    ['0 0 13 * 5', '2024-01-01T00:00:00Z', '2024-01-05T00:00:00Z'],
    ['0 0 13 * 5', '2024-01-12T00:00:00Z', '2024-01-13T00:00:00Z'],
    // One of them a star: both must match (a step other than 1 is no star).
    ['0 0 13 * *', '2024-01-01T00:00:00Z', '2024-01-13T00:00:00Z'],
    ['0 0 */10 * 1', '2024-01-01T00:00:00Z', '2024-01-08T00:00:00Z'],
    ['0 0 */10 * 1', '2024-01-09T00:00:00Z', '2024-01-11T00:00:00Z'],
  ];
  for (const [spec, from, want] of cases) assert.equal(nextOf(spec, from), want, `${spec} after ${from}`);
});

test('descriptors and @every', () => {
  assert.equal(nextOf('@hourly', '2024-01-01T00:00:00Z'), '2024-01-01T01:00:00Z');
  assert.equal(nextOf('@daily', '2024-01-01T00:00:00Z'), '2024-01-02T00:00:00Z');
  assert.equal(nextOf('@midnight', '2024-01-01T10:00:00Z'), '2024-01-02T00:00:00Z');
  assert.equal(nextOf('@weekly', '2024-01-01T00:00:00Z'), '2024-01-07T00:00:00Z');
  assert.equal(nextOf('@monthly', '2024-01-15T00:00:00Z'), '2024-02-01T00:00:00Z');
  assert.equal(nextOf('@yearly', '2024-01-01T00:00:00Z'), '2025-01-01T00:00:00Z');
  assert.equal(nextOf('@annually', '2024-06-01T00:00:00Z'), '2025-01-01T00:00:00Z');
  assert.equal(nextOf('@every 1h30m', '2024-01-01T00:00:00Z'), '2024-01-01T01:30:00Z');
  assert.equal(parseCronSchedule('@every 1ms', { timeZone: 'UTC' }).next(utc('2024-01-01T00:00:00Z')), utc('2024-01-01T00:00:01Z'), 'at least a second');
  assert.equal(parseGoDuration('1.5h'), 5_400_000);
  assert.equal(parseGoDuration('300ms'), 300);
});

test('time zones: wall-clock schedules across daylight saving', () => {
  // 09:00 in New York is 14:00Z in winter, 13:00Z in summer.
  assert.equal(nextOf('0 9 * * *', '2024-01-10T00:00:00Z', 'America/New_York'), '2024-01-10T14:00:00Z');
  assert.equal(nextOf('0 9 * * *', '2024-07-10T00:00:00Z', 'America/New_York'), '2024-07-10T13:00:00Z');
  // 02:30 does not exist on 2024-03-10 in New York: that day is skipped.
  assert.equal(nextOf('30 2 * * *', '2024-03-09T12:00:00Z', 'America/New_York'), '2024-03-11T06:30:00Z');
  // 01:30 happens twice on 2024-11-03: it runs once, at the first.
  const first = nextOf('30 1 * * *', '2024-11-03T00:00:00Z', 'America/New_York');
  assert.equal(first, '2024-11-03T05:30:00Z');
  assert.equal(nextOf('30 1 * * *', first!, 'America/New_York'), '2024-11-04T06:30:00Z');
  assert.equal(nextOf('0 0 * * *', '2024-01-01T00:00:00Z', 'Asia/Kolkata'), '2024-01-01T18:30:00Z');
});

test('a TZ= prefix sets the zone unless timeZone is given', () => {
  const s = parseCronSchedule('CRON_TZ=Asia/Tokyo 0 0 * * *');
  assert.equal(s.timeZone, 'Asia/Tokyo');
  assert.equal(iso(s.next(utc('2024-01-01T00:00:00Z'))), '2024-01-01T15:00:00Z');
  assert.equal(parseCronSchedule('TZ=Asia/Tokyo 0 0 * * *', { timeZone: 'UTC' }).timeZone, 'UTC');
  assert.throws(() => parseCronSchedule('TZ=Nowhere/Land 0 0 * * *'), /provided bad location Nowhere\/Land: unknown time zone Nowhere\/Land/);
});

test('invalid schedules are refused with robfig messages', () => {
  const bad: [string, RegExp][] = [
    ['', /^empty spec string$/],
    ['* * * *', /^expected exactly 5 fields, found 4: \[\* \* \* \*\]$/],
    ['* * * * * *', /^expected exactly 5 fields, found 6/],
    ['60 * * * *', /^end of range \(60\) above maximum \(59\): 60$/],
    ['* 24 * * *', /above maximum \(23\)/],
    ['* * 0 * *', /^beginning of range \(0\) below minimum \(1\): 0$/],
    ['* * * 13 *', /above maximum \(12\)/],
    ['* * * * 7', /^end of range \(7\) above maximum \(6\): 7$/],
    ['5-1 * * * *', /^beginning of range \(5\) beyond end of range \(1\): 5-1$/],
    ['*/0 * * * *', /^step of range should be a positive number: \*\/0$/],
    ['1-2-3 * * * *', /^too many hyphens: 1-2-3$/],
    ['*/2/3 * * * *', /^too many slashes: \*\/2\/3$/],
    ['x * * * *', /^failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax$/],
    ['* * * foo *', /failed to parse int from foo/],
    ['@fortnightly', /^unrecognized descriptor: @fortnightly$/],
    ['@every soon', /^failed to parse duration @every soon: time: invalid duration "soon"$/],
  ];
  for (const [spec, re] of bad) {
    assert.throws(() => parseCronSchedule(spec, { timeZone: 'UTC' }), (e: Error) => re.test(e.message), spec);
  }
});

test('due schedule: most recent missed time, missed counts, starting deadline', () => {
  const every = parseCronSchedule('* * * * *', { timeZone: 'UTC' });
  const created = utc('2024-01-01T00:00:30Z');
  assert.deepEqual(dueSchedule(every, created, utc('2024-01-01T00:00:59Z')), { missed: 0 });
  assert.deepEqual(dueSchedule(every, created, utc('2024-01-01T00:01:00Z')), { mostRecent: utc('2024-01-01T00:01:00Z'), missed: 1 });
  assert.deepEqual(dueSchedule(every, created, utc('2024-01-01T00:05:10Z')), { mostRecent: utc('2024-01-01T00:05:00Z'), missed: 5 });
  const many = dueSchedule(every, created, utc('2024-01-03T00:00:10Z'));
  assert.equal(many.mostRecent, utc('2024-01-03T00:00:00Z'));
  assert.ok(many.missed > 100, `${many.missed}`);
  assert.equal(many.missed, 2880);
  // startingDeadlineSeconds moves earliest up: only the last 200 s count.
  const now = utc('2024-01-03T00:00:10Z');
  const earliest = earliestTime(undefined, created, now, 200);
  assert.equal(earliest, now - 200_000);
  assert.deepEqual(dueSchedule(every, earliest, now), { mostRecent: utc('2024-01-03T00:00:00Z'), missed: 4 });
  assert.equal(earliestTime(utc('2024-01-02T00:00:00Z'), created, now), utc('2024-01-02T00:00:00Z'));
  // Sparse schedules with many misses still find the latest.
  const weekdays = parseCronSchedule('0 9 * * 1-5', { timeZone: 'UTC' });
  const r = dueSchedule(weekdays, utc('2023-01-01T00:00:00Z'), utc('2024-01-06T12:00:00Z'));
  assert.equal(r.mostRecent, utc('2024-01-05T09:00:00Z'));
  assert.ok(r.missed > 100);
  assert.equal(nextRunDelay(every, utc('2024-01-01T00:01:00Z'), utc('2024-01-01T00:01:20Z')), 40_100);
});

test('job names and scheduled timestamps as upstream writes them', () => {
  assert.equal(jobNameFor('hello', utc('2024-01-01T00:01:00Z')), `hello-${utc('2024-01-01T00:01:00Z') / 60_000}`);
  assert.equal(formatRfc3339(utc('2024-01-01T00:01:00Z'), 'UTC'), '2024-01-01T00:01:00Z');
  assert.equal(formatRfc3339(utc('2024-01-01T00:01:00Z'), 'Asia/Kolkata'), '2024-01-01T05:31:00+05:30');
  assert.equal(formatRfc3339(utc('2024-07-01T12:00:00Z'), 'America/New_York'), '2024-07-01T08:00:00-04:00');
  assert.equal(formatRfc1123zUtc(utc('2024-01-05T22:03:04Z')), 'Fri, 05 Jan 2024 22:03:04 +0000');
});
