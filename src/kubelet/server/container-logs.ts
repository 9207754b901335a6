/**
 * GET /containerLogs/{namespace}/{pod}/{container} (upstream server.go
 * getContainerLogs and pkg/kubelet/kuberuntime/logs/logs.go): the
 * container's CRI log file, `<RFC3339Nano time> <stream> <P|F> <text>`
 * per line, as the text the container wrote. Partial (P) chunks are
 * joined to their line. Query: follow, previous (the instance before the
 * newest), timestamps (each line prefixed with its time and a space),
 * tailLines, limitBytes, sinceSeconds or sinceTime. With follow, the file
 * is polled until the container stops running or the client goes, and a
 * rotation (a new file at the path) is followed.
 */
import { open, stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';

export interface LogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  /** Lines before this time (ms since the epoch) are left out. */
  sinceMs?: number;
}

/** The options of a query string, or the message of a 400. */
export function parseLogOptions(q: URLSearchParams, nowMs = Date.now()): LogOptions | string {
  const bool = (k: string): boolean | string => {
    const v = q.get(k);
    if (v === null || v === 'false' || v === '0') return false;
    if (v === '' || v === 'true' || v === '1') return true;
    return `invalid ${k} ${JSON.stringify(v)}: want true or false`;
  };
  const nonNegative = (k: string, positive = false): number | undefined | string => {
    const v = q.get(k);
    if (v === null) return undefined;
    const n = Number(v);
    if (!/^\d+$/.test(v) || (positive && n === 0)) return `invalid ${k} ${JSON.stringify(v)}: want a ${positive ? 'positive' : 'non-negative'} integer`;
    return n;
  };
  const follow = bool('follow');
  const previous = bool('previous');
  const timestamps = bool('timestamps');
  const tailLines = nonNegative('tailLines') ?? nonNegative('tail');
  const limitBytes = nonNegative('limitBytes', true);
  const sinceSeconds = nonNegative('sinceSeconds', true);
  for (const v of [follow, previous, timestamps, tailLines, limitBytes, sinceSeconds]) if (typeof v === 'string') return v;
  const sinceTime = q.get('sinceTime');
  if (sinceTime !== null && sinceSeconds !== undefined) return 'at most one of sinceTime or sinceSeconds may be specified';
  let sinceMs: number | undefined;
  if (sinceTime !== null) {
    sinceMs = Date.parse(sinceTime);
    if (!Number.isFinite(sinceMs)) return `invalid sinceTime ${JSON.stringify(sinceTime)}: want an RFC 3339 time`;
  } else if (typeof sinceSeconds === 'number') {
    sinceMs = nowMs - sinceSeconds * 1000;
  }
  return {
    follow: follow as boolean, previous: previous as boolean, timestamps: timestamps as boolean,
    ...(typeof tailLines === 'number' ? { tailLines } : {}), ...(typeof limitBytes === 'number' ? { limitBytes } : {}),
    ...(sinceMs !== undefined ? { sinceMs } : {}),
  };
}

export interface CriLogLine {
  time: string;
  stream: string;
  partial: boolean;
  text: string;
}

/** One line of a CRI log file (without its newline), or undefined when malformed. */
export function parseCriLogLine(line: string): CriLogLine | undefined {
  const m = /^(\S+) (stdout|stderr) (\S+) ?(.*)$/s.exec(line);
  if (!m) return undefined;
  return { time: m[1]!, stream: m[2]!, partial: m[3]!.split(':')[0] === 'P', text: m[4]! };
}

/** Turns CRI log bytes into whole lines of the container's output; keeps the unfinished tail. */
export class CriLogDecoder {
  private rest = '';
  private pending: { time: string; text: string } | undefined;

  /** The complete entries in `chunk` (time and text with its newline). */
  push(chunk: string): Array<{ time: string; text: string }> {
    const lines = (this.rest + chunk).split('\n');
    this.rest = lines.pop() ?? '';
    const out: Array<{ time: string; text: string }> = [];
    for (const l of lines) {
      const p = parseCriLogLine(l);
      if (!p) continue;
      if (p.partial) {
        this.pending = { time: this.pending?.time ?? p.time, text: (this.pending?.text ?? '') + p.text };
        continue;
      }
      out.push({ time: this.pending?.time ?? p.time, text: `${this.pending?.text ?? ''}${p.text}\n` });
      this.pending = undefined;
    }
    return out;
  }
}

export interface WriteLogsOptions extends LogOptions {
  /** Whether the container still runs (follow stops when it does not). */
  isRunning?: () => Promise<boolean>;
  /** Aborted when the client goes. */
  signal?: AbortSignal;
  /** @default 250 */
  pollMs?: number;
}

/** Writes the log at `path` to `out` per the options; resolves when done (or the client left). */
export async function writeContainerLogs(path: string, out: Writable, o: WriteLogsOptions): Promise<void> {
  let budget = o.limitBytes ?? Infinity;
  const emit = (entries: Array<{ time: string; text: string }>): boolean => {
    for (const e of entries) {
      if (o.sinceMs !== undefined && Date.parse(e.time) < o.sinceMs) continue;
      let s = o.timestamps ? `${e.time} ${e.text}` : e.text;
      if (Buffer.byteLength(s) > budget) s = Buffer.from(s).subarray(0, budget).toString();
      budget -= Buffer.byteLength(s);
      out.write(s);
      if (budget <= 0) return false;
    }
    return true;
  };
  let decoder = new CriLogDecoder();
  let fh = await open(path, 'r');
  let ino = (await fh.stat()).ino;
  let offset = 0;
  const readMore = async (): Promise<string> => {
    const size = (await fh.stat()).size;
    if (size <= offset) return '';
    const buf = Buffer.alloc(size - offset);
    const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
    offset += bytesRead;
    return buf.subarray(0, bytesRead).toString('utf8');
  };
  try {
    let entries = decoder.push(await readMore());
    if (o.tailLines !== undefined) entries = o.tailLines === 0 ? [] : entries.slice(-o.tailLines);
    if (!emit(entries) || !o.follow) return;
    while (!o.signal?.aborted) {
      await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
      const more = await readMore();
      if (more && !emit(decoder.push(more))) return;
      if (more) continue;
      const now = await stat(path).catch(() => undefined);
      if (now && now.ino !== ino) {
        // Rotated: the runtime writes a new file at the path.
        await fh.close();
        fh = await open(path, 'r');
        ino = now.ino;
        offset = 0;
        decoder = new CriLogDecoder();
        continue;
      }
      if (o.isRunning && !(await o.isRunning())) {
        emit(decoder.push(await readMore()));
        return;
      }
    }
  } finally {
    await fh.close();
  }
}
