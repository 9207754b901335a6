/**
 * Runs components (components.ts) in a worker thread of the server's
 * process: its own event loop, so on a multi-core machine the API server's
 * thread does not share a core with the controllers or the scheduler (Node
 * runs JavaScript on one thread per isolate). Several components may share
 * one thread (each isolate costs about 25 MB of memory). The components still
 * reach the API only over HTTPS. The thread's metrics are fetched over its
 * port for the server's /metrics.
 */
import { Worker } from 'node:worker_threads';
import type { ComponentArgs, ComponentName } from './components.js';

/** One component to start, with its options. */
export type ComponentSpec = { [N in ComponentName]: { name: N; args: ComponentArgs[N] } }[ComponentName];

export interface ComponentThread {
  /** The components' names, joined with '+'. */
  readonly name: string;
  /** Resolves once the component stopped and the thread exited. */
  stop(): Promise<void>;
  /** The component's Prometheus text ('' once it has exited). */
  metrics(): Promise<string>;
  /** Resolves when the thread has started every component; rejects if one failed to. */
  readonly started: Promise<void>;
}

type FromWorker =
  | { type: 'started' }
  | { type: 'failed'; error: string }
  | { type: 'metrics'; id: number; text: string }
  | { type: 'stopped' };

/** Young generation of a components thread, in MB (V8's default for the main thread is about 48). */
const YOUNG_GENERATION_MB = 4;

/** How long a stopped component's thread may take to exit by itself. */
const STOP_GRACE_MS = 2000;

export function startComponentThread(specs: readonly ComponentSpec[]): ComponentThread {
  const name = specs.map((c) => c.name).join('+');
  const worker = new Worker(new URL('./component-worker.js', import.meta.url), {
    workerData: { specs },
    // A smaller young generation than the main thread's: about 5 MB less resident when idle.
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
  const pending = new Map<number, (text: string) => void>();
  let nextId = 0;
  let exited = false;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => {
    exited = true;
    for (const r of pending.values()) r('');
    pending.clear();
    resolve();
  }));
  const started = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'started') resolve();
      else if (m.type === 'failed') reject(new Error(`${name}: ${m.error}`));
      else if (m.type === 'metrics') { pending.get(m.id)?.(m.text); pending.delete(m.id); }
    });
    worker.once('error', (e) => reject(e));
    void exit.then(() => reject(new Error(`${name} thread exited before it started`)));
  });
  started.catch(() => undefined);
  return {
    name, started,
    async stop() {
      if (exited) return;
      worker.postMessage({ type: 'stop' });
      // A component that left a handle open must not hold the server's shutdown: end the thread.
      const stopped = new Promise<void>((resolve) => worker.on('message', (m: FromWorker) => { if (m.type === 'stopped') resolve(); }));
      await Promise.race([exit, stopped.then(() => new Promise((r) => setTimeout(r, STOP_GRACE_MS).unref()))]);
      if (!exited) await worker.terminate();
      await exit;
    },
    metrics() {
      if (exited) return Promise.resolve('');
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        worker.postMessage({ type: 'metrics', id });
      });
    },
  };
}
