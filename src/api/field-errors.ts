/**
 * Field errors: what validation returns (upstream's field.ErrorList). Each
 * names a field path (`spec.template.spec.containers[0].image`), a type that
 * becomes the Status cause reason, the offending value and a detail.
 */
import type { StatusCause } from 'kubernetes-types/meta/v1.js';

export type FieldErrorType =
  | 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported'
  | 'FieldValueDuplicate' | 'FieldValueForbidden' | 'FieldValueTooLong'
  | 'FieldValueTooMany' | 'FieldValueTypeInvalid' | 'FieldValueNotFound' | 'InternalError';

export interface FieldError {
  type: FieldErrorType;
  /** Dotted path with indexes and keys: `metadata.labels[app]`, `spec.ports[0].port`. */
  field: string;
  /** The offending value; omitted for Required and Forbidden. */
  value?: unknown;
  detail?: string;
  /** For NotSupported: the values that are. */
  supported?: string[];
}

/** Builds field paths the way upstream prints them. */
export class FieldPath {
  private constructor(private readonly parts: string[]) {}
  static root(...names: string[]): FieldPath { return new FieldPath(names.filter((n) => n !== '')); }
  child(...names: string[]): FieldPath { return new FieldPath([...this.parts, ...names]); }
  index(i: number): FieldPath { return this.suffix(`[${i}]`); }
  key(k: string): FieldPath { return this.suffix(`[${k}]`); }
  private suffix(s: string): FieldPath {
    const p = [...this.parts];
    if (p.length === 0) p.push(s); else p[p.length - 1] += s;
    return new FieldPath(p);
  }
  toString(): string { return this.parts.join('.'); }
}

const f = (p: FieldPath | string): string => p.toString();

export const required = (p: FieldPath | string, detail = ''): FieldError =>
  ({ type: 'FieldValueRequired', field: f(p), detail });
export const invalidValue = (p: FieldPath | string, value: unknown, detail: string): FieldError =>
  ({ type: 'FieldValueInvalid', field: f(p), value, detail });
export const notSupported = (p: FieldPath | string, value: unknown, supported: string[]): FieldError =>
  ({ type: 'FieldValueNotSupported', field: f(p), value, supported });
export const duplicate = (p: FieldPath | string, value: unknown): FieldError =>
  ({ type: 'FieldValueDuplicate', field: f(p), value });
export const forbiddenField = (p: FieldPath | string, detail: string): FieldError =>
  ({ type: 'FieldValueForbidden', field: f(p), detail });
export const tooLong = (p: FieldPath | string, value: unknown, max: number): FieldError =>
  ({ type: 'FieldValueTooLong', field: f(p), value, detail: `must have at most ${max} bytes` });
export const typeInvalid = (p: FieldPath | string, value: unknown, detail: string): FieldError =>
  ({ type: 'FieldValueTypeInvalid', field: f(p), value, detail });

/**
 * Upstream's rendering of a value inside an error message: `%v` for numbers
 * and booleans, `%q` for strings, Go's `%#v` for maps and slices of strings
 * (`map[string]string{"app":"web"}`, `[]string{"a", "b"}`), JSON otherwise.
 */
function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
    return `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
  }
  if (typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')) {
    const entries = Object.entries(v as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[string]string{${entries.map(([k, x]) => `${JSON.stringify(k)}:${JSON.stringify(x)}`).join(', ')}}`;
  }
  return JSON.stringify(v);
}

/** One error as upstream prints it: `spec.replicas: Invalid value: -1: must be greater than or equal to 0`. */
export function fieldErrorMessage(e: FieldError): string {
  switch (e.type) {
    case 'FieldValueRequired': return e.detail ? `Required value: ${e.detail}` : 'Required value';
    case 'FieldValueForbidden': return e.detail ? `Forbidden: ${e.detail}` : 'Forbidden';
    case 'FieldValueInvalid': return `Invalid value: ${formatValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueNotSupported':
      return `Unsupported value: ${formatValue(e.value)}${e.supported?.length ? `: supported values: ${e.supported.map((s) => JSON.stringify(s)).join(', ')}` : ''}`;
    case 'FieldValueDuplicate': return `Duplicate value: ${formatValue(e.value)}`;
    case 'FieldValueTooLong': return `Too long: ${e.detail ?? ''}`;
    case 'FieldValueTooMany': return `Too many: ${e.detail ?? ''}`;
    case 'FieldValueTypeInvalid': return `Invalid value: ${formatValue(e.value)}: ${e.detail ?? ''}`;
    case 'FieldValueNotFound': return `Not found: ${formatValue(e.value)}`;
    default: return `Internal error: ${e.detail ?? ''}`;
  }
}

export function fieldErrorsToCauses(errs: FieldError[]): StatusCause[] {
  return errs.map((e) => ({ reason: e.type, message: fieldErrorMessage(e), field: e.field }));
}

/** `a: msg` for one error, `[a: msg, b: msg]` for several, as upstream's aggregate does. */
export function summarizeFieldErrors(errs: FieldError[]): string {
  const parts = errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`);
  return parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
}
