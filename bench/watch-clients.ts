/**
 * Child process of the watch fan-out benchmark: opens N watches, each on its
 * own HTTPS connection, and records for every event that carries a send
 * timestamp (annotation SENT_AT_ANNOTATION, epoch ms) the delay until it
 * arrived here. Runs apart from the writer so that neither's CPU distorts the
 * other's timing. Talks to the parent only over IPC (watch-protocol.ts).
 *
 * Events are not JSON-parsed: lines are scanned for the annotation, which
 * keeps the per-event cost of 1000 watchers as low as it can be in Node.
 */
import { Agent, request } from 'node:https';
import type { ClientRequest } from 'node:http';
import { loadTarget } from './k8ts-target.js';
import { Histogram } from './stats.js';
import { SENT_AT_ANNOTATION, epochMs, type FromWatchers, type ToWatchers, type WatchersConfig, type WatchersResult } from './watch-protocol.js';

const MARKER = `"${SENT_AT_ANNOTATION}":"`;

class Watcher {
  delivered = 0;
  closed = false;
  closedReason = '';
  private buf = '';
  private req?: ClientRequest;

  constructor(private readonly hist: Histogram, private readonly counters: { errorEvents: number; offsetMs: number; bytes: number }) {}

  /** Resolves when response headers arrive (200) or rejects on error / other status. */
  open(cfg: WatchersConfig, target: ReturnType<typeof loadTarget>, agent: Agent): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = request({ host: target.host, port: target.port, method: 'GET', path: cfg.path, agent }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch answered HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        resolve();
        res.setEncoding('latin1');
        res.on('data', (d: string) => this.onData(d));
        res.on('end', () => this.markClosed('server ended the stream'));
        res.on('error', (e) => this.markClosed(`stream error: ${e.message}`));
      });
      req.on('error', (e) => { this.markClosed(`request error: ${e.message}`); reject(e); });
      req.end();
      this.req = req;
    });
  }

  private markClosed(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closedReason = reason;
  }

  private onData(d: string): void {
    const now = epochMs();
    this.counters.bytes += d.length;
    const text = this.buf + d;
    let from = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', from)) >= 0) {
      const m = text.indexOf(MARKER, from);
      if (m >= 0 && m < nl) {
        const v = m + MARKER.length;
        const sent = Number(text.slice(v, text.indexOf('"', v)));
        this.hist.record(now - (sent + this.counters.offsetMs));
        this.delivered++;
      } else if (text.startsWith('{"type":"ERROR"', from)) {
        this.counters.errorEvents++;
      }
      from = nl + 1;
    }
    this.buf = from < text.length ? text.slice(from) : '';
  }

  stop(): void { this.req?.destroy(); }
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2]) as WatchersConfig;
  const send = (m: FromWatchers): void => { process.send?.(m); };
  const target = loadTarget(cfg.kubeconfig);
  const agent = new Agent({ keepAlive: true, maxSockets: cfg.watchers + 16, ca: target.ca, cert: target.cert, key: target.key });
  const hist = new Histogram();
  const counters = { errorEvents: 0, offsetMs: 0, bytes: 0 };
  const watchers = Array.from({ length: cfg.watchers }, () => new Watcher(hist, counters));

  // Open with bounded concurrency and a bounded total time.
  const t0 = performance.now();
  let opened = 0;
  let failed = 0;
  let firstError: string | undefined;
  let nextIdx = 0;
  const opener = async (): Promise<void> => {
    while (nextIdx < watchers.length && performance.now() - t0 < cfg.openTimeoutMs) {
      const w = watchers[nextIdx++];
      try {
        await w.open(cfg, target, agent);
        opened++;
      } catch (e) {
        failed++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: cfg.openConcurrency }, opener));
  failed += watchers.length - opened - failed;
  send({ type: 'ready', opened, failed, openMs: performance.now() - t0, ...(firstError ? { firstError } : {}) });

  let cpu0 = process.cpuUsage();
  let wall0 = performance.now();
  process.on('message', (m: ToWatchers) => {
    if (m.type === 'clock') {
      send({ type: 'clock', seq: m.seq, childMs: epochMs() });
    } else if (m.type === 'start') {
      counters.offsetMs = m.childMinusParentMs;
      counters.bytes = 0;
      cpu0 = process.cpuUsage();
      wall0 = performance.now();
    } else if (m.type === 'drain') {
      const drainStart = performance.now();
      const finish = (): void => {
        const used = process.cpuUsage(cpu0);
        const closed = watchers.filter((w) => w.closed);
        const result: WatchersResult = {
          hist: hist.toJSON(),
          delivered: watchers.reduce((n, w) => n + w.delivered, 0),
          complete: watchers.filter((w) => w.delivered >= m.expected).length,
          closedByServer: closed.length,
          closedDetails: [...new Set(closed.map((w) => w.closedReason))].slice(0, 5),
          errorEvents: counters.errorEvents,
          bytes: counters.bytes,
          cpu: (used.user + used.system) / 1000 / (performance.now() - wall0),
          drainMs: performance.now() - drainStart,
        };
        for (const w of watchers) w.stop();
        agent.destroy();
        send({ type: 'result', result });
        process.disconnect?.();
      };
      const poll = (): void => {
        const pending = watchers.some((w) => !w.closed && w.delivered < m.expected);
        if (!pending || performance.now() - drainStart > m.timeoutMs) finish(); else setTimeout(poll, 50);
      };
      poll();
    }
  });
}

await main();
