/**
 * Query parameters shared by the verbs: dryRun, fieldValidation, list options.
 */
import { badRequest } from '../../api/errors.js';

export function parseDryRun(q: URLSearchParams): boolean {
  const vals = q.getAll('dryRun');
  if (vals.length === 0) return false;
  for (const v of vals) {
    if (v !== 'All') throw badRequest(`Invalid dryRun value: ${JSON.stringify(vals)}: supported values: "All"`);
  }
  return true;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function parseFieldValidation(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation parameter unsupported: ${v}. Supported values: Strict, Warn, Ignore`);
}

export function parseIntParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  // Upstream parses into an int64; past the integers a double holds exactly, k8ts refuses as it refuses junk.
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw badRequest(`invalid ${name}: ${v}`);
  return Number(v);
}

export function parseBoolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}
