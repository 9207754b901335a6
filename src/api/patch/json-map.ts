/**
 * Small helpers over decoded JSON objects shared by the patch algorithms.
 */

export type JsonMap = Record<string, unknown>;

export function hasOwn(o: JsonMap, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Sets an own data property, safe for keys such as `__proto__`. */
export function setOwn(o: JsonMap, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
}
