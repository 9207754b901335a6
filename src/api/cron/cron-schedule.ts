/**
 * Cron schedules as CronJobs use them (the standard five-field syntax that
 * upstream parses with robfig/cron's ParseStandard): minute, hour, day of
 * month, month (1-12 or jan-dec), day of week (0-6 or sun-sat); `*` and `?`,
 * ranges `a-b`, steps `*\/n` and `a-b/n` (`a/n` runs from a to the field's
 * end), lists `a,b`; the descriptors @yearly @annually @monthly @weekly
 * @daily @midnight @hourly and `@every <Go duration>`. When both day fields
 * are restricted a day matching either runs; when one is `*` both must match.
 * A `TZ=<zone>` or `CRON_TZ=<zone>` prefix is parsed as robfig does (the API
 * refuses such schedules on create; the controller warns about old ones).
 *
 * Times are computed on the wall clock of the schedule's zone: a wall time
 * skipped by daylight saving does not run, a repeated one runs once.
 * Errors carry robfig's messages.
 */
import { instantOf, isKnownTimeZone, localTimeZone, wallClock, type WallClock } from './zoned-time.js';

export interface CronSchedule {
  /** The first run strictly after `afterMs` (epoch ms), or undefined when there is none within five years. */
  next(afterMs: number): number | undefined;
  /** The zone the schedule runs in. */
  readonly timeZone: string;
}

interface Field { min: number; max: number; names?: readonly string[]; nameBase?: number }

const MINUTE: Field = { min: 0, max: 59 };
const HOUR: Field = { min: 0, max: 23 };
const DOM: Field = { min: 1, max: 31 };
const MONTH: Field = { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], nameBase: 1 };
const DOW: Field = { min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], nameBase: 0 };

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function parseNumber(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new Error(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseValue(expr: string, f: Field): number {
  const i = f.names?.indexOf(expr.toLowerCase()) ?? -1;
  return i >= 0 ? i + f.nameBase! : parseNumber(expr);
}

/** Sets the bits of one comma-separated part; returns whether it was a star. */
function parseRange(expr: string, f: Field, bits: boolean[]): boolean {
  const rangeAndStep = expr.split('/');
  const lowHigh = rangeAndStep[0]!.split('-');
  let start: number;
  let end: number;
  let star = false;
  if (lowHigh[0] === '*' || lowHigh[0] === '?') {
    start = f.min; end = f.max; star = true;
  } else {
    start = parseValue(lowHigh[0]!, f);
    if (lowHigh.length === 1) end = start;
    else if (lowHigh.length === 2) end = parseValue(lowHigh[1]!, f);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseNumber(rangeAndStep[1]!);
    if (lowHigh.length === 1) end = f.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new Error(`too many slashes: ${expr}`);
  }
  if (start < f.min) throw new Error(`beginning of range (${start}) below minimum (${f.min}): ${expr}`);
  if (end > f.max) throw new Error(`end of range (${end}) above maximum (${f.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) bits[v] = true;
  return star;
}

function parseField(text: string, f: Field): { bits: boolean[]; star: boolean } {
  const bits = new Array<boolean>(f.max + 1).fill(false);
  let star = false;
  for (const part of text.split(',')) if (parseRange(part, f, bits)) star = true;
  return { bits, star };
}

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds. */
export function parseGoDuration(s: string): number {
  const bad = (): Error => new Error(`time: invalid duration ${JSON.stringify(s)}`);
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) { sign = rest[0] === '-' ? -1 : 1; rest = rest.slice(1); }
  if (rest === '0') return 0;
  if (rest === '') throw bad();
  let total = 0;
  const re = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (rest) {
    const m = re.exec(rest);
    if (!m) throw bad();
    total += Number(m[1]) * GO_UNITS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

class FieldSchedule implements CronSchedule {
  constructor(
    readonly timeZone: string,
    private readonly minute: boolean[], private readonly hour: boolean[], private readonly dom: boolean[],
    private readonly month: boolean[], private readonly dow: boolean[], private readonly domStar: boolean, private readonly dowStar: boolean,
  ) {}

  private dayMatches(y: number, mo: number, d: number): boolean {
    const domOk = this.dom[d] === true;
    const dowOk = this.dow[new Date(Date.UTC(y, mo - 1, d)).getUTCDay()] === true;
    return this.domStar || this.dowStar ? domOk && dowOk : domOk || dowOk;
  }

  next(afterMs: number): number | undefined {
    // Search wall-clock fields, coarse to fine, from the minute after `afterMs`.
    const start = wallClock(afterMs, this.timeZone);
    let t = Date.UTC(start.year, start.month - 1, start.day, start.hour, start.minute) + 60_000;
    const limit = Date.UTC(start.year + 5, start.month - 1, start.day);
    while (t <= limit) {
      const d = new Date(t);
      const w: WallClock = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: 0 };
      if (!this.month[w.month]) { t = Date.UTC(w.year, w.month, 1); continue; }
      if (!this.dayMatches(w.year, w.month, w.day)) { t = Date.UTC(w.year, w.month - 1, w.day + 1); continue; }
      if (!this.hour[w.hour]) { t = Date.UTC(w.year, w.month - 1, w.day, w.hour + 1); continue; }
      if (!this.minute[w.minute]) { t += 60_000; continue; }
      const instant = instantOf(w, this.timeZone);
      if (instant !== undefined && instant > afterMs) return instant;
      t += 60_000;
    }
    return undefined;
  }
}

class EverySchedule implements CronSchedule {
  constructor(readonly timeZone: string, private readonly delayMs: number) {}
  next(afterMs: number): number {
    return Math.floor(afterMs / 1000) * 1000 + this.delayMs;
  }
}

export interface ParseOptions {
  /** IANA zone the schedule runs in; a TZ= prefix in the schedule is overridden by it. @default the process's zone */
  timeZone?: string;
}

/** Parses a schedule; throws an Error with robfig's message when it is invalid. */
export function parseCronSchedule(spec: string, opts: ParseOptions = {}): CronSchedule {
  if (spec.length === 0) throw new Error('empty spec string');
  let s = spec;
  let zone: string | undefined;
  if (s.startsWith('TZ=') || s.startsWith('CRON_TZ=')) {
    const i = s.indexOf(' ');
    const name = s.slice(s.indexOf('=') + 1, i < 0 ? undefined : i);
    if (i < 0 || !isKnownTimeZone(name)) throw new Error(`provided bad location ${name}: unknown time zone ${name}`);
    zone = name;
    s = s.slice(i).trim();
  }
  const timeZone = opts.timeZone ?? zone ?? localTimeZone();
  if (!isKnownTimeZone(timeZone)) throw new Error(`provided bad location ${timeZone}: unknown time zone ${timeZone}`);
  if (s.startsWith('@')) {
    if (s.startsWith('@every ')) {
      let ms: number;
      try {
        ms = parseGoDuration(s.slice('@every '.length));
      } catch (e) {
        throw new Error(`failed to parse duration ${s}: ${(e as Error).message}`);
      }
      // robfig rounds down to whole seconds, and runs at most once a second.
      return new EverySchedule(timeZone, Math.max(1000, Math.floor(ms / 1000) * 1000));
    }
    const expanded = DESCRIPTORS[s];
    if (!expanded) throw new Error(`unrecognized descriptor: ${s}`);
    s = expanded;
  }
  const fields = s.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const minute = parseField(fields[0]!, MINUTE);
  const hour = parseField(fields[1]!, HOUR);
  const dom = parseField(fields[2]!, DOM);
  const month = parseField(fields[3]!, MONTH);
  const dow = parseField(fields[4]!, DOW);
  return new FieldSchedule(timeZone, minute.bits, hour.bits, dom.bits, month.bits, dow.bits, dom.star, dow.star);
}
