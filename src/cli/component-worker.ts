/**
 * Entry of a components' worker thread (component-thread.ts): starts the
 * components listed in workerData, answers metrics requests, and on `stop`
 * stops them and lets the thread end. If one fails to start, those started
 * are stopped and the thread reports the failure.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { componentMetrics, startComponent, type Component } from './components.js';
import type { ComponentSpec } from './component-thread.js';

const port = parentPort!;
const { specs } = workerData as { specs: ComponentSpec[] };
const running: Component[] = [];
const stopAll = (): Promise<unknown> => Promise.all(running.map((c) => c.stop()));

try {
  for (const spec of specs) {
    const c = startComponent(spec.name, spec.args);
    running.push(c);
    if (c.ready) await c.ready;
  }
  port.postMessage({ type: 'started' });
  port.on('message', (m: { type: 'stop' } | { type: 'metrics'; id: number }) => {
    if (m.type === 'metrics') {
      void componentMetrics().then((text) => port.postMessage({ type: 'metrics', id: m.id, text }));
    } else if (m.type === 'stop') {
      void stopAll().finally(() => {
        port.postMessage({ type: 'stopped' });
        port.close();
      });
    }
  });
} catch (e) {
  void stopAll().finally(() => {
    port.postMessage({ type: 'failed', error: e instanceof Error ? e.message : String(e) });
    port.close();
  });
}
