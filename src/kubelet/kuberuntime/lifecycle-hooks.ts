/**
 * Container lifecycle hooks (upstream's pkg/kubelet/lifecycle/handlers.go
 * and the hook parts of kuberuntime_container.go): postStart runs right
 * after StartContainer, preStop before StopContainer and within the grace
 * period. A handler is exec (CRI ExecSync, no timeout of its own), httpGet
 * (any answer passes; only a failed request fails) or sleep.
 */
import type { Container, LifecycleHandler, Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import type { RuntimeService } from '../runtime/cri/services.js';
import { formatPod } from '../pod-workers/container-helpers.js';
import { handlerUrl, httpGet, probeHeaders } from '../prober/http-get.js';
import { resolveContainerPort } from '../prober/port.js';

export interface HookTarget {
  pod: Pod;
  container: Container;
  containerId: string;
  runtime: RuntimeService;
  /** The pod's IP, for httpGet handlers that name no host; rejects when the pod has none. */
  podIP: () => Promise<string>;
}

/** Go's %v of a []string. */
function goList(xs: readonly string[]): string {
  return `[${xs.join(' ')}]`;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

/**
 * Runs one handler; resolves with undefined when it succeeded, else with
 * upstream's failure message ("Exec lifecycle hook ([cmd]) for Container
 * \"c\" in Pod \"p\" failed - error: ..., message: \"...\"" and the HTTP and
 * Sleep forms). `signal` cuts a sleep or a GET short.
 */
export async function runLifecycleHandler(handler: LifecycleHandler, t: HookTarget, signal?: AbortSignal): Promise<string | undefined> {
  const where = `for Container ${JSON.stringify(t.container.name)} in Pod ${JSON.stringify(formatPod(t.pod))}`;
  if (handler.exec) {
    const cmd = handler.exec.command ?? [];
    let output = '';
    let err: string | undefined;
    try {
      const res = await t.runtime.execSync(t.containerId, cmd, 0);
      output = Buffer.concat([Buffer.from(res.stdout ?? []), Buffer.from(res.stderr ?? [])]).toString('utf8');
      // The CRI client's error for a non-zero exit (upstream's remote ExecSync).
      if (res.exitCode !== 0) err = `command '${cmd.join(' ')}' exited with ${res.exitCode}: ${Buffer.from(res.stderr ?? []).toString('utf8')}`;
    } catch (e) {
      err = errText(e);
    }
    return err === undefined ? undefined : `Exec lifecycle hook (${goList(cmd)}) ${where} failed - error: ${err}, message: ${JSON.stringify(output)}`;
  }
  if (handler.httpGet) {
    const g = handler.httpGet;
    try {
      const host = g.host || await t.podIP();
      const port = g.port === '' ? 80 : resolveContainerPort(g.port, t.container);
      await httpGet(handlerUrl(g.scheme ?? 'HTTP', host, port, g.path ?? '/'), probeHeaders(g.httpHeaders), 0, signal);
      return undefined;
    } catch (e) {
      return `HTTP lifecycle hook (${g.path ?? ''}) ${where} failed - error: ${errText(e)}`;
    }
  }
  if (handler.sleep) {
    const seconds = handler.sleep.seconds;
    if (!Number.isInteger(seconds) || seconds < 0) return `Sleep lifecycle hook (${seconds}) ${where} failed - error: invalid sleep seconds`;
    await sleep(seconds * 1000, signal);
    return undefined;
  }
  return `Cannot run handler: invalid handler: ${JSON.stringify(handler)}`;
}

export interface HookEvents {
  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/**
 * Runs the container's preStop hook, if any, for at most `gracePeriodSeconds`
 * (upstream's executePreStopHook): a failure is a Warning Event
 * FailedPreStopHook; a hook still running when the grace period ends is
 * abandoned. Resolves with the whole seconds it took, which the caller
 * takes off the grace period it gives StopContainer.
 */
export async function executePreStopHook(t: HookTarget, gracePeriodSeconds: number, opts: { events?: HookEvents; logger?: Logger } = {}): Promise<number> {
  const handler = t.container.lifecycle?.preStop;
  if (!handler) return 0;
  const start = Date.now();
  const abort = new AbortController();
  const run = runLifecycleHandler(handler, t, abort.signal).then((msg) => {
    if (msg) opts.events?.event(t.pod, 'Warning', 'FailedPreStopHook', msg);
  }, (e: unknown) => opts.logger?.warn({ err: e instanceof Error ? e.message : String(e) }, 'preStop hook failed'));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      opts.logger?.info({ pod: formatPod(t.pod), container: t.container.name, gracePeriod: gracePeriodSeconds }, 'PreStop hook not completed in grace period');
      abort.abort();
      resolve();
    }, gracePeriodSeconds * 1000);
  });
  await Promise.race([run, timeout]);
  clearTimeout(timer);
  return Math.floor((Date.now() - start) / 1000);
}

/** The waiting reason of a container whose postStart hook failed (upstream's ErrPostStartHook). */
export const POST_START_HOOK_ERROR = 'PostStartHookError';

/**
 * Runs the container's postStart hook, if any; resolves with the failure
 * message, after recording it as a Warning Event FailedPostStartHook, or
 * undefined. The caller kills the container on failure.
 */
export async function runPostStartHook(t: HookTarget, events?: HookEvents): Promise<string | undefined> {
  const handler = t.container.lifecycle?.postStart;
  if (!handler) return undefined;
  const msg = await runLifecycleHandler(handler, t);
  if (msg) events?.event(t.pod, 'Warning', 'FailedPostStartHook', msg);
  return msg;
}
