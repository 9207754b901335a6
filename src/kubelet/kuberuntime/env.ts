/**
 * A container's environment from its `env` list (upstream's
 * makeEnvironmentVariables and third_party/forked/golang/expansion): plain
 * values with `$(VAR)` expanded against the variables defined before them.
 * valueFrom and envFrom are not supported yet: they are a
 * CreateContainerConfigError (TODO(#12): configMap, secret, fieldRef,
 * resourceFieldRef).
 */
import type { Container } from 'kubernetes-types/core/v1.js';
import type { KeyValue } from '../runtime/cri/types.js';

/** A container config k8ts cannot build: its message becomes a CreateContainerConfigError. */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
}

/**
 * Expands `$(NAME)` from `lookup`; `$$` is a literal `$`; an unknown name
 * and a `$` not starting a reference are kept as written.
 */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) { out += ch; continue; }
    const next = input[i + 1];
    if (next === '$') { out += '$'; i++; continue; }
    if (next === '(') {
      const end = input.indexOf(')', i + 2);
      if (end < 0) { out += input.slice(i); break; }
      const name = input.slice(i + 2, end);
      const value = lookup(name);
      out += value ?? `$(${name})`;
      i = end;
      continue;
    }
    out += ch;
  }
  return out;
}

/** The container's variables, in order; throws ContainerConfigError for what is not supported. */
export function containerEnvs(container: Container): KeyValue[] {
  if ((container.envFrom ?? []).length > 0) throw new ContainerConfigError(`container ${container.name}: envFrom is not supported yet`);
  const values = new Map<string, string>();
  const out: KeyValue[] = [];
  for (const e of container.env ?? []) {
    if (e.valueFrom) throw new ContainerConfigError(`container ${container.name}: env ${e.name} valueFrom is not supported yet`);
    const value = expandVars(e.value ?? '', (n) => values.get(n));
    values.set(e.name, value);
    out.push({ key: e.name, value });
  }
  return out;
}

/** command and args with `$(VAR)` expanded against the container's environment. */
export function expandCommand(words: readonly string[] | undefined, envs: readonly KeyValue[]): string[] | undefined {
  if (!words) return undefined;
  const values = new Map(envs.map((e) => [e.key, e.value]));
  return words.map((w) => expandVars(w, (n) => values.get(n)));
}
