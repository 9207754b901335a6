/**
 * Structured logging for every component: one JSON object per line on
 * stderr, each carrying `component`; a one-line human format instead when
 * stderr is a terminal.
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

/** A component's logger. Use `logger.child({ ... })` for per-request fields. */
export type Logger = PinoLogger;

export interface CreateLoggerOptions {
  /** trace | debug | info | warn | error | fatal | silent. @default $K8TS_LOG_LEVEL, else 'info' */
  level?: string;
  /** Where lines go. @default stderr */
  destination?: DestinationStream;
  /** Human-readable lines instead of JSON. @default true when writing to stderr and it is a TTY */
  pretty?: boolean;
}

const LEVELS = new Set([...Object.keys(pino.levels.values), 'silent']);

let stderr: DestinationStream | undefined;
let prettyStderr: DestinationStream | undefined;

/**
 * Creates the logger of `component`. Level precedence: `opts.level`, then
 * `K8TS_LOG_LEVEL`, then `info`. Throws on an unknown `opts.level`; an
 * unknown `K8TS_LOG_LEVEL` falls back to `info` with a warning, so a typo in
 * the environment never stops a component. All stderr loggers share one
 * synchronous destination, so lines are whole and none is lost on exit.
 */
export function createLogger(component: string, opts: CreateLoggerOptions = {}): Logger {
  const envLevel = process.env['K8TS_LOG_LEVEL'];
  let level = 'info';
  let badEnv: string | undefined;
  if (opts.level !== undefined) {
    if (!LEVELS.has(opts.level)) throw new Error(`unknown log level "${opts.level}"`);
    level = opts.level;
  } else if (envLevel) {
    if (LEVELS.has(envLevel)) level = envLevel;
    else badEnv = envLevel;
  }

  let destination = opts.destination;
  if (!destination) {
    const pretty = opts.pretty ?? process.stderr.isTTY === true;
    destination = pretty
      ? (prettyStderr ??= prettyStream(pino.destination({ dest: 2, sync: true }), colorsWanted()))
      : (stderr ??= pino.destination({ dest: 2, sync: true }));
  } else if (opts.pretty) {
    destination = prettyStream(destination, false);
  }

  const logger = pino({
    level,
    base: { component },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }, destination);
  if (badEnv !== undefined) logger.warn({ K8TS_LOG_LEVEL: badEnv }, 'unknown log level in K8TS_LOG_LEVEL; using info');
  return logger;
}

function colorsWanted(): boolean {
  return !process.env['NO_COLOR'] && process.stderr.isTTY === true;
}

const COLORS: Record<string, string> = {
  trace: '\x1b[90m', debug: '\x1b[36m', info: '\x1b[32m', warn: '\x1b[33m', error: '\x1b[31m', fatal: '\x1b[35m',
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

/**
 * Wraps `out` so each JSON line becomes
 * `12:34:56.789 INFO  component message key=value ...`, with an error's
 * stack on the lines below. Lines that are not JSON pass through unchanged.
 */
function prettyStream(out: DestinationStream, color: boolean): DestinationStream {
  return {
    write(line: string): void {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      out.write(formatRecord(rec, color) + '\n');
    },
  };
}

function formatRecord(rec: Record<string, unknown>, color: boolean): string {
  const { time, level, component, msg, err, ...fields } = rec;
  const label = String(level ?? '');
  const paint = (code: string | undefined, s: string): string => (color && code ? code + s + RESET : s);
  const clock = typeof time === 'string' ? time.slice(11, 23) : new Date().toISOString().slice(11, 23);
  const parts = [paint(DIM, clock), paint(COLORS[label], label.toUpperCase().padEnd(5)), paint(DIM, String(component ?? ''))];
  if (msg !== undefined) parts.push(String(msg));
  for (const [k, v] of Object.entries(fields)) parts.push(`${paint(DIM, k + '=')}${formatValue(v)}`);
  let text = parts.join(' ');
  if (err && typeof err === 'object') {
    const e = err as { message?: unknown; stack?: unknown };
    const detail = typeof e.stack === 'string' ? e.stack : String(e.message ?? JSON.stringify(err));
    text += '\n' + paint(COLORS['error'], detail.replace(/^/gm, '    '));
  }
  return text;
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}
