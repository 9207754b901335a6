/** Shared fixtures for the table tests: a fixed clock and timestamps relative to it. */
import type { KubeObject } from '../../src/api/object.js';

export const NOW = new Date('2024-06-01T12:00:00Z');

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** RFC 3339 timestamp `amount` before NOW: ago(5, 'm'). */
export function ago(amount: number, unit: 's' | 'm' | 'h' | 'd'): string {
  return new Date(NOW.getTime() - amount * UNITS[unit]!).toISOString().replace('.000Z', 'Z');
}

/** Views a typed fixture as a KubeObject. */
export function obj<T>(o: T): KubeObject {
  return o as unknown as KubeObject;
}
