/** Runs a strategy's hooks in the generic store's order, without the store. */
import type { FieldError } from '../../src/api/field-errors.js';
import { fieldErrorMessage } from '../../src/api/field-errors.js';
import type { KubeObject, WithMeta } from '../../src/api/object.js';
import { deepClone } from '../../src/api/object.js';
import type { Strategy } from '../../src/apiserver/registry/strategy.js';

export const UID = '0b6f3f1e-5a3c-4d6e-9f00-1234567890ab';

/** create: uid (set by the store first), defaults, prepareForCreate, validate. */
export function create(s: Strategy, obj: KubeObject): { obj: WithMeta; errs: FieldError[]; msgs: string[] } {
  const o = deepClone(obj) as WithMeta;
  o.metadata ??= {};
  o.metadata.uid ??= UID;
  s.defaults?.(o);
  s.prepareForCreate?.(o);
  const errs = s.validate(o);
  return { obj: o, errs, msgs: messages(errs) };
}

/** update: prepareForUpdate, defaults, validate + validateUpdate. */
export function update(s: Strategy, obj: KubeObject, old: KubeObject): { obj: WithMeta; errs: FieldError[]; msgs: string[] } {
  const o = deepClone(obj) as WithMeta;
  const prev = deepClone(old) as WithMeta;
  s.prepareForUpdate?.(o, prev);
  s.defaults?.(o);
  const errs = [...s.validate(o), ...(s.validateUpdate?.(o, prev) ?? [])];
  return { obj: o, errs, msgs: messages(errs) };
}

export function messages(errs: FieldError[]): string[] {
  return errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`);
}

/** A minimal valid pod template with the given labels. */
export function template(labels: Record<string, string>, restartPolicy?: string): KubeObject {
  return {
    metadata: { labels },
    spec: { containers: [{ name: 'web', image: 'nginx:1.25' }], ...(restartPolicy ? { restartPolicy } : {}) },
  };
}

/** The template's spec as upstream defaults it (kubectl get -o yaml). */
export const DEFAULTED_POD_SPEC = {
  containers: [{
    name: 'web', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent', resources: {},
    terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
  }],
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  schedulerName: 'default-scheduler',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
};
