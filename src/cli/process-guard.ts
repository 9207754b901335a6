/**
 * The last line of defence of a long-running command: an error that escaped
 * every handler is logged with its stack and counted, and the process goes
 * on serving. Each one is a bug to fix where it was thrown; the guard only
 * keeps one such bug from stopping the cluster.
 */
import type { Logger } from '../api/log.js';

export interface UncaughtCounter {
  inc(labels: { kind: 'exception' | 'rejection' }): void;
}

/** Installs the guard; returns a function that removes it. */
export function installProcessGuard(log: Logger, counter: UncaughtCounter): () => void {
  const onException = (err: Error): void => {
    counter.inc({ kind: 'exception' });
    log.error({ err }, 'uncaught exception (a bug: please report it)');
  };
  const onRejection = (reason: unknown): void => {
    counter.inc({ kind: 'rejection' });
    log.error({ err: reason }, 'unhandled promise rejection (a bug: please report it)');
  };
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
