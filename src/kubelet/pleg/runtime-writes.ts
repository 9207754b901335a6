/**
 * Tells whether a pod sync changed anything in the runtime, so that the pod
 * worker reads the pod's runtime view again only after it acted.
 */
import type { RuntimeService } from '../runtime/cri/services.js';

/** The RuntimeService calls that create, start, stop or remove sandboxes and containers. */
const WRITES: ReadonlySet<string | symbol> = new Set<keyof RuntimeService>([
  'runPodSandbox', 'stopPodSandbox', 'removePodSandbox', 'createContainer', 'startContainer', 'stopContainer', 'removeContainer',
]);

export interface RecordedRuntime {
  /** Behaves as the runtime given; every method runs on it. */
  runtime: RuntimeService;
  /** Whether one of the write calls was made through `runtime` (even one that failed). */
  wrote(): boolean;
}

export function recordRuntimeWrites(runtime: RuntimeService): RecordedRuntime {
  let wrote = false;
  const proxy = new Proxy(runtime, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      const fn = v as (...args: unknown[]) => unknown;
      if (!WRITES.has(prop)) return (...args: unknown[]) => fn.apply(target, args);
      return (...args: unknown[]) => {
        wrote = true;
        return fn.apply(target, args);
      };
    },
  });
  return { runtime: proxy, wrote: () => wrote };
}
