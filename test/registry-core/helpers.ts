/** Runs a strategy's hooks in the generic store's order, without the store. */
import type { FieldError } from '../../src/api/field-errors.js';
import { fieldErrorMessage } from '../../src/api/field-errors.js';
import type { KubeObject, WithMeta } from '../../src/api/object.js';
import { deepClone } from '../../src/api/object.js';
import type { Strategy } from '../../src/apiserver/registry/strategy.js';

export function create(s: Strategy, obj: KubeObject): { obj: WithMeta; errs: string[] } {
  const o = deepClone(obj) as WithMeta;
  o.metadata ??= {};
  s.defaults?.(o);
  s.prepareForCreate?.(o);
  return { obj: o, errs: messages(s.validate(o)) };
}

export function update(s: Strategy, obj: KubeObject, old: KubeObject): { obj: WithMeta; errs: string[] } {
  const o = deepClone(obj) as WithMeta;
  const prev = deepClone(old) as WithMeta;
  s.prepareForUpdate?.(o, prev);
  s.defaults?.(o);
  return { obj: o, errs: messages([...s.validate(o), ...(s.validateUpdate?.(o, prev) ?? [])]) };
}

export function statusUpdate(s: Strategy, obj: KubeObject, old: KubeObject): { obj: WithMeta; errs: string[] } {
  const o = deepClone(obj) as WithMeta;
  const prev = deepClone(old) as WithMeta;
  if (!s.status) throw new Error('no status strategy');
  s.status.prepareForUpdate(o, prev);
  s.defaults?.(o);
  return { obj: o, errs: messages(s.status.validateUpdate?.(o, prev) ?? []) };
}

export function messages(errs: FieldError[]): string[] {
  return errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`);
}
