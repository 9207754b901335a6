/**
 * Entry of a component's worker thread (component-thread.ts): starts the
 * component named in workerData, answers metrics requests, and on `stop`
 * stops it and lets the thread end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { componentMetrics, startComponent, type ComponentArgs, type ComponentName } from './components.js';

const port = parentPort!;
const { name, args } = workerData as { name: ComponentName; args: ComponentArgs[ComponentName] };

try {
  const component = startComponent(name, args);
  port.postMessage({ type: 'started' });
  port.on('message', (m: { type: 'stop' } | { type: 'metrics'; id: number }) => {
    if (m.type === 'metrics') {
      void componentMetrics().then((text) => port.postMessage({ type: 'metrics', id: m.id, text }));
    } else if (m.type === 'stop') {
      void component.stop().finally(() => {
        port.postMessage({ type: 'stopped' });
        port.close();
      });
    }
  });
} catch (e) {
  port.postMessage({ type: 'failed', error: e instanceof Error ? e.message : String(e) });
  port.close();
}
