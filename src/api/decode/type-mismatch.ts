/**
 * The error of a typed JSON decode that meets a value its Go type cannot
 * hold, worded as upstream words it: Go's encoding/json UnmarshalTypeError
 * (sigs.k8s.io/json keeps its text), wrapped by the apiserver's
 * transformDecodeError into a 400 BadRequest.
 */
import { badRequest, type StatusError } from '../errors.js';

/** One value a typed decode cannot store (Go's UnmarshalTypeError). */
export interface TypeMismatch {
  /** What the value is: `string`, `number`, `number 1.5` (a number no integer type holds), `bool`, `array`, `object`. */
  value: string;
  /** The Go struct that declares the field, without package (`PodSpec`). */
  struct: string;
  /** The JSON field names from the root, without list indices or map keys (`spec.containers.ports`). */
  field: string;
  /** The Go type the value was to be stored in (`[]v1.Container`, `int32`, `map[string]string`). */
  goType: string;
}

/** `json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container`. */
export function unmarshalTypeMessage(m: TypeMismatch): string {
  return `json: cannot unmarshal ${m.value} into Go struct field ${m.struct}.${m.field} of type ${m.goType}`;
}

/**
 * The 400 a body of `kind` in `version` gets for `m`:
 * `Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal ...`.
 */
export function cannotBeHandled(kind: string, version: string, m: TypeMismatch): StatusError {
  return badRequest(`${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: ${unmarshalTypeMessage(m)}`);
}

/**
 * How Go's decoder names a JSON value it cannot store: its kind, and for a
 * number an integer type refuses (a fraction, out of range), the number too.
 */
export function describeValue(v: unknown, withNumber: boolean): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return withNumber ? `number ${String(v)}` : 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return v === null ? 'null' : 'object';
}
