/**
 * A CRD's additionalPrinterColumns as server-side table cells (upstream's
 * apiextensions-apiserver pkg/registry/customresource/tableconvertor).
 */
import type { CustomResourceColumnDefinition } from './types.js';
import { findResults, parseJsonPath, type PathStep } from './json-path.js';
import { isPlainObject } from '../object.js';

/** A Table column header (structurally the server's TableColumnDefinition). */
export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** Upstream's column when a version declares none: the object's age. */
export const DEFAULT_PRINTER_COLUMNS: readonly CustomResourceColumnDefinition[] = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

/** The Name column upstream puts first in every custom resource table. */
export const NAME_COLUMN: TableColumnDefinition = {
  name: 'Name', type: 'string', format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

/** Column headers for `columns` (Name excluded), with upstream's default description. */
export function printerColumnDefinitions(columns: readonly CustomResourceColumnDefinition[]): TableColumnDefinition[] {
  return columns.map((c) => ({
    name: c.name, type: c.type, format: c.format ?? '',
    description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
    priority: c.priority ?? 0,
  }));
}

const parsed = new Map<string, PathStep[] | null>();

function stepsFor(jsonPath: string): PathStep[] | null {
  let s = parsed.get(jsonPath);
  if (s === undefined) {
    try { s = parseJsonPath(jsonPath); } catch { s = null; }
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(jsonPath, s);
  }
  return s;
}

/** Go's fmt.Print of a decoded JSON value (what kubectl's JSONPath prints for a string column). */
function goPrint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  if (isPlainObject(v)) {
    return `map[${Object.keys(v).sort().map((k) => `${k}:${goPrint(v[k])}`).join(' ')}]`;
  }
  return String(v);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** A cell typed as the column says; null when the value is missing or of the wrong type. */
function cellFor(type: string, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'integer': return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number': return typeof v === 'number' ? v : null;
    case 'boolean': return typeof v === 'boolean' ? v : null;
    case 'string': return goPrint(v);
    case 'date': {
      if (typeof v !== 'string') return null;
      const t = RFC3339.test(v) ? Date.parse(v) : NaN;
      return Number.isNaN(t) ? '<invalid>' : new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    }
    default: return null;
  }
}

/**
 * One row's cells for `columns`, in order: the first value the column's
 * JSONPath finds, typed by the column's type (integer truncated, date as an
 * RFC 3339 UTC timestamp or `<invalid>`, string printed as kubectl prints it),
 * or null when nothing is found or the path does not parse.
 */
export function printerColumnCells(obj: unknown, columns: readonly CustomResourceColumnDefinition[]): unknown[] {
  return columns.map((c) => {
    const steps = stepsFor(c.jsonPath);
    if (!steps) return null;
    const found = findResults(obj, steps);
    return found.length === 0 ? null : cellFor(c.type, found[0]);
  });
}
