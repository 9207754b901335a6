/**
 * The deepest nesting of arrays and objects an object may have, checked
 * without recursion. Upstream's decoder stops at 10000 levels; k8ts's YAML
 * encoder and decoder recurse and run out of stack near 600, and every
 * object may be written back as YAML, so k8ts stops at 512. Real objects
 * (CRD schemas the deepest) stay well under 100.
 */
export const MAX_NESTING_DEPTH = 512;

/** True when arrays and objects in `value` nest more than `max` levels deep. */
export function nestedDeeperThan(value: unknown, max: number = MAX_NESTING_DEPTH): boolean {
  const stack: [unknown, number][] = value !== null && typeof value === 'object' ? [[value, 1]] : [];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
