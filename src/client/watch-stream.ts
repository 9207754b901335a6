/**
 * A watch response as an async iterable of events: one JSON object per line
 * (COMPAT.md section 5). Iteration ends when the server ends the stream or
 * `stop()` is called; a broken connection makes it throw.
 */
import type { IncomingMessage, ClientRequest } from 'node:http';
import type { Status } from 'kubernetes-types/meta/v1.js';

/** One watch event. ERROR carries a Status (410 Expired when the resourceVersion is too old). */
export type WatchEvent<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  | { type: 'BOOKMARK'; object: { kind?: string; apiVersion?: string; metadata: { resourceVersion?: string; annotations?: Record<string, string> } } }
  | { type: 'ERROR'; object: Status };

export interface WatchStream<T> extends AsyncIterable<WatchEvent<T>> {
  /** Closes the connection; a pending or later iteration ends without error. Idempotent. */
  stop(): void;
  /** True once the stream ended (server end, stop(), or error). */
  readonly ended: boolean;
}

/** Wraps an open 200 watch response. Each yielded event is a fresh object the caller owns. */
export function watchStream<T>(req: ClientRequest, res: IncomingMessage): WatchStream<T> {
  let stopped = false;
  let ended = false;
  res.setEncoding('utf8');
  // A socket error after the stop is expected; without a listener it would be thrown.
  res.on('error', () => undefined);
  req.on('error', () => undefined);
  async function* events(): AsyncGenerator<WatchEvent<T>> {
    let buf = '';
    try {
      for await (const chunk of res as AsyncIterable<string>) {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (line) yield JSON.parse(line) as WatchEvent<T>;
          if (stopped) return;
        }
      }
      if (!res.complete && !stopped) throw Object.assign(new Error('watch stream closed before it completed'), { code: 'ECONNRESET' });
      const rest = buf.trim();
      if (rest && !stopped) yield JSON.parse(rest) as WatchEvent<T>;
    } catch (e) {
      if (!stopped) throw e;
    } finally {
      ended = true;
      if (!res.complete) req.destroy();
    }
  }
  const it = events();
  return {
    [Symbol.asyncIterator]: () => it,
    stop(): void {
      if (stopped) return;
      stopped = true;
      req.destroy();
      res.destroy();
    },
    get ended() { return ended; },
  };
}
