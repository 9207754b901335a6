/** A logger that keeps its lines, for tests that assert what was logged. */
import { createLogger, type Logger } from '../../../src/api/log.js';

export function capturingLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const logger = createLogger('test', { level: 'info', destination: { write: (s: string) => { raw.push(s); } } });
  return { logger, lines: () => raw.flatMap((s) => s.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}
