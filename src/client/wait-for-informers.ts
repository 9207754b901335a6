/**
 * Waiting for several informers to sync under one signal.
 */
import { setMaxListeners } from 'node:events';
import type { SyncableInformer } from './controller.js';
import { onAbort } from './on-abort.js';

/**
 * Resolves true once every informer has synced; false when one stopped first
 * or `signal` aborted. However many informers wait, `signal` carries one
 * listener, removed when this resolves.
 */
export async function waitForInformers(informers: readonly SyncableInformer[], signal?: AbortSignal): Promise<boolean> {
  const each = new AbortController();
  // One waiter per informer on this private signal, each removed when its informer syncs.
  setMaxListeners(Math.max(1, informers.length), each.signal);
  const detach = onAbort(signal, () => each.abort());
  try {
    return (await Promise.all(informers.map((i) => i.waitForSync(each.signal)))).every(Boolean);
  } finally {
    detach();
  }
}
