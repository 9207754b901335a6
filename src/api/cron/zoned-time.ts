/**
 * Wall-clock time in an IANA time zone through Intl (no tz database of our
 * own): an instant's fields in the zone, the instant of a wall-clock time,
 * and the timestamp formats the CronJob controller writes.
 */

export interface WallClock { year: number; month: number; day: number; hour: number; minute: number; second: number }

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone this process runs in (upstream uses the controller manager's local zone when a CronJob names none). */
export function localTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function wallClock(ms: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts['year']!, month: parts['month']!, day: parts['day']!, hour: parts['hour']! % 24, minute: parts['minute']!, second: parts['second']! };
}

/** Milliseconds the zone is ahead of UTC at instant `ms` (whole seconds). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant whose wall clock in the zone is `w`; undefined when that wall
 * time does not exist (skipped by a daylight-saving change). Of two instants
 * (the repeated hour) the earlier one.
 */
export function instantOf(w: WallClock, timeZone: string): number | undefined {
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const candidates = new Set<number>();
  for (const probe of [asUtc - 86_400_000, asUtc, asUtc + 86_400_000]) candidates.add(asUtc - zoneOffsetMs(probe, timeZone));
  const ok = [...candidates].filter((t) => {
    const back = wallClock(t, timeZone);
    return back.year === w.year && back.month === w.month && back.day === w.day && back.hour === w.hour && back.minute === w.minute;
  }).sort((a, b) => a - b);
  return ok[0];
}

const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');

/** RFC 3339 in the zone, `Z` for UTC (Go's time.RFC3339 of t.In(zone)). */
export function formatRfc3339(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  const off = zoneOffsetMs(ms, timeZone) / 60_000;
  const zone = off === 0 ? 'Z' : `${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${zone}`;
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC1123Z of t.UTC(): `Mon, 02 Jan 2006 15:04:05 +0000`. */
export function formatRfc1123zUtc(ms: number): string {
  const d = new Date(ms);
  return `${DAY_NAMES[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTH_NAMES[d.getUTCMonth()]} ${d.getUTCFullYear()} `
    + `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}
