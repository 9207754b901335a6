/**
 * `--controllers` (upstream's syntax: `*`, NAME to add, -NAME to remove),
 * checked against the controllers k8ts has before anything starts.
 */
import { CONTROLLERS, selectControllers } from '../controllers/index.js';
import { UsageError } from './usage-error.js';

export function parseControllersFlag(v: string): string[] {
  const list = v.split(',').map((c) => c.trim()).filter(Boolean);
  try {
    selectControllers(list, CONTROLLERS);
  } catch (e) {
    throw new UsageError(`invalid --controllers ${JSON.stringify(v)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return list;
}
