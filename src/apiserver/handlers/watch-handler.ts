/**
 * Watch streams: 200, chunked, one JSON object per line
 * (`{"type":"ADDED","object":{...}}`), served from the watch cache, with
 * bookmarks when asked, `timeoutSeconds`, and Table events for `kubectl get -w`.
 * A stream that falls too far behind is closed by the cache (the client relists).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WithMeta } from '../../api/object.js';
import { apiVersionOf } from '../../api/resources.js';
import { notAcceptable, StatusError } from '../../api/errors.js';
import type { ResourceRequestInfo } from '../request-info.js';
import type { ServedResource } from '../api-resources.js';
import { negotiateOutput } from '../negotiation.js';
import type { WatchEventType, WatchSink } from '../watch/watch-cache.js';
import { buildFilter } from '../selection.js';
import { parseBoolParam, parseIntParam } from './query.js';
import { renderTable } from './table-output.js';
import { writeError } from './respond.js';

export interface WatchLimits {
  /** Most watches open at once; past it new ones get 429. @default 10000 */
  maxWatches: number;
  /** Interval between bookmarks for watchers that allow them. @default 60000 */
  bookmarkIntervalMs: number;
  /** Default lifetime of a watch without timeoutSeconds, as upstream's min-request-timeout (randomised x1..x2). @default 1800 */
  defaultTimeoutSeconds: number;
}

export class WatchHandler {
  private open = 0;
  private sinkIds = 0;

  constructor(private readonly limits: WatchLimits, private readonly onCountChange?: (n: number) => void) {}

  get openWatches(): number { return this.open; }

  async handle(req: IncomingMessage, res: ServerResponse, served: ServedResource, info: ResourceRequestInfo, q: URLSearchParams): Promise<void> {
    if (info.subresource && !served.def.subresources.some((s) => s.name === info.subresource)) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    const out = negotiateOutput(req.headers.accept);
    if (!out || out.as === 'protobuf') throw notAcceptable('watch streams are served as application/json');
    if (this.open >= this.limits.maxWatches) {
      throw new StatusError(429, 'TooManyRequests', 'too many open watches, please try again later', {
        details: { retryAfterSeconds: 1 }, headers: { 'Retry-After': '1' },
      });
    }
    const { filter } = buildFilter(served, info.namespace, q);
    if (info.name) {
      const base = filter;
      const name = info.name;
      // GET .../pods?watch=1 with a name in the path watches that one object.
      const byName = (o: WithMeta): boolean => o.metadata.name === name && base(o);
      return this.start(req, res, served, info, q, out.as === 'Table', byName);
    }
    return this.start(req, res, served, info, q, out.as === 'Table', filter);
  }

  private async start(req: IncomingMessage, res: ServerResponse, served: ServedResource, info: ResourceRequestInfo, q: URLSearchParams,
    table: boolean, filter: (o: WithMeta) => boolean): Promise<void> {
    const bookmarks = parseBoolParam(q, 'allowWatchBookmarks');
    const sendInitialEvents = parseBoolParam(q, 'sendInitialEvents');
    const timeoutParam = parseIntParam(q, 'timeoutSeconds');
    const timeoutSeconds = timeoutParam !== undefined && timeoutParam > 0
      ? timeoutParam
      : this.limits.defaultTimeoutSeconds * (1 + Math.random());
    const apiVersion = apiVersionOf(served.def.group, served.def.version);
    let headerSent = false;
    let closed = false;
    const includeObject = q.get('includeObject') ?? undefined;
    // A HEAD reply has no body, so there is nothing to stream: holding it open would only
    // stall the connection's next request behind a reply the client already has.
    if (req.method === 'HEAD') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
      res.end();
      return;
    }

    const encodeObject = (obj: WithMeta): unknown => {
      const o = served.fromStorage(obj);
      if (!table) return o;
      const t = renderTable(served, [o], { resourceVersion: o.metadata.resourceVersion }, includeObject);
      if (headerSent) (t as { columnDefinitions: unknown[] }).columnDefinitions = [];
      headerSent = true;
      return t;
    };
    const sink: WatchSink = {
      encodingId: table ? `table#${++this.sinkIds}` : `json|${apiVersion}`,
      encode: (type: WatchEventType | 'BOOKMARK', obj: WithMeta) =>
        Buffer.from(JSON.stringify({ type, object: encodeObject(obj) }) + '\n'),
      write: (chunks) => {
        if (closed) return 0;
        res.write(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
        return res.writableLength;
      },
      // Dropped by the cache (too far behind, or restarting): free what is
      // buffered at once rather than wait for a client that does not read.
      close: () => { setImmediate(() => finish({ abort: true })); },
    };
    const bookmark = (rev: number, initialEnd = false): void => {
      if (closed) return;
      const metadata: Record<string, unknown> = { resourceVersion: String(rev) };
      if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
      res.write(JSON.stringify({ type: 'BOOKMARK', object: { kind: served.def.kind, apiVersion, metadata } }) + '\n');
    };

    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    let lastRevision = 0;
    let watcher: { stop(): void } | undefined;
    let bookmarkTimer: NodeJS.Timeout | undefined;
    // Node's timers hold at most 2^31-1 ms (~24.8 days); a longer timeoutSeconds waits that long.
    const timer = setTimeout(() => finish(), Math.min(timeoutSeconds * 1000, 2 ** 31 - 1));
    const finish = (opts: { abort?: boolean } = {}): void => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      if (bookmarkTimer) clearInterval(bookmarkTimer);
      watcher?.stop();
      this.open--;
      this.onCountChange?.(this.open);
      if (opts.abort) res.socket?.destroy(); else res.end();
    };
    this.open++;
    this.onCountChange?.(this.open);
    req.on('close', () => finish());
    res.on('error', () => finish());
    try {
      watcher = await served.registry.watch(info.namespace, filter, sink, {
        resourceVersion: q.get('resourceVersion') ?? undefined,
        sendInitialEvents,
        onInitialDone: (rev) => {
          lastRevision = rev;
          if (sendInitialEvents && bookmarks) bookmark(rev, true);
        },
      });
      if (closed) watcher.stop();
    } catch (e) {
      if (e instanceof StatusError && !closed) {
        // Errors after the 200 are sent as an ERROR event carrying the Status.
        res.write(JSON.stringify({ type: 'ERROR', object: e.toStatus() }) + '\n');
        finish();
        return;
      }
      finish();
      if (!res.headersSent) writeError(res, e);
      return;
    }
    if (bookmarks) {
      bookmarkTimer = setInterval(() => {
        served.registry.flushWatchers();
        bookmark(Math.max(lastRevision, served.registry.cacheRevision()));
      }, this.limits.bookmarkIntervalMs);
      bookmarkTimer.unref();
    }
  }
}
