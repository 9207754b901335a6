/**
 * A container's environment (upstream's makeEnvironmentVariables in
 * pkg/kubelet/kubelet_pods.go, with third_party/forked/golang/expansion):
 * envFrom first, then `env` in order (a literal `value` with `$(VAR)`
 * expanded, else its valueFrom), then the service variables the container
 * does not define itself.
 */
import type { ConfigMap, Container, EnvVar, Pod, Secret } from 'kubernetes-types/core/v1.js';
import type { KeyValue } from '../runtime/cri/types.js';
import type { PodObjects } from '../pod-objects.js';
import { fieldRefValue, resourceFieldRefValue, type DownwardApiContext } from '../downward-api.js';
import { serviceEnvVarMap } from './service-env.js';

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

/** command and args with `$(VAR)` expanded against the container's environment. */
export function expandCommand(words: readonly string[] | undefined, envs: readonly KeyValue[]): string[] | undefined {
  if (!words) return undefined;
  const values = new Map(envs.map((e) => [e.key, e.value]));
  return words.map((w) => expandVars(w, (n) => values.get(n)));
}

/** Upstream's IsEnvVarName (validation.IsEnvVarName). */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export interface EnvContext extends DownwardApiContext {
  podObjects: PodObjects;
  /** The node's allocatable amounts (cpu in millicores), for resourceFieldRef of an unset limit. */
  allocatable: Readonly<Record<string, number>>;
  /** Where the InvalidEnvironmentVariableNames warning goes. */
  warn?: (reason: string, message: string) => void;
}

/**
 * The environment of `container` in `pod`, in order: envFrom keys (prefixed;
 * keys that are not valid names are skipped with one warning per source),
 * `env` (a later name replaces an earlier one in place), then the service
 * variables. Rejects with ContainerConfigError carrying upstream's message
 * for a missing ConfigMap, Secret or key that is not optional, and for a
 * field or resource the downward API does not serve.
 */
export async function makeEnvironmentVariables(pod: Pod, container: Container, ctx: EnvContext): Promise<KeyValue[]> {
  try {
    return await resolve(pod, container, ctx);
  } catch (e) {
    if (e instanceof ContainerConfigError) throw e;
    throw new ContainerConfigError(e instanceof Error ? e.message : String(e));
  }
}

async function resolve(pod: Pod, container: Container, ctx: EnvContext): Promise<KeyValue[]> {
  const ns = pod.metadata?.namespace ?? 'default';
  const enableServiceLinks = pod.spec?.enableServiceLinks ?? true;
  const serviceEnv = await serviceEnvVarMap(ctx.podObjects, ns, enableServiceLinks);
  const env = new Map<string, string>();
  const objects = new SourceCache(ctx.podObjects, ns);
  const lookup = (n: string): string | undefined => env.get(n) ?? serviceEnv.get(n);

  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const kind = from.configMapRef ? 'configMap' : 'secret';
    const data = kind === 'configMap' ? await objects.configMapData(ref.name ?? '', ref.optional ?? false)
      : await objects.secretData(ref.name ?? '', ref.optional ?? false);
    if (!data) continue;
    const invalid: string[] = [];
    for (const [key, value] of Object.entries(data)) {
      const name = (from.prefix ?? '') + key;
      if (!ENV_VAR_NAME.test(name)) { invalid.push(name); continue; }
      env.set(name, value);
    }
    if (invalid.length > 0) {
      ctx.warn?.('InvalidEnvironmentVariableNames',
        `Keys [${invalid.sort().join(', ')}] from the EnvFrom ${kind} ${ns}/${ref.name ?? ''} were skipped since they are considered invalid environment variable names.`);
    }
  }

  for (const e of container.env ?? []) {
    const value = e.value ? expandVars(e.value, lookup) : e.valueFrom ? await valueFrom(pod, container, e, objects, ctx) : '';
    if (value === undefined) continue; // an optional source that is not there
    env.set(e.name, value);
  }

  const out: KeyValue[] = [...env].map(([key, value]) => ({ key, value }));
  for (const [key, value] of serviceEnv) if (!env.has(key)) out.push({ key, value });
  return out;
}

async function valueFrom(pod: Pod, container: Container, e: EnvVar, objects: SourceCache, ctx: EnvContext): Promise<string | undefined> {
  const from = e.valueFrom!;
  const ns = pod.metadata?.namespace ?? 'default';
  if (from.fieldRef) return fieldRefValue(pod, from.fieldRef.fieldPath, ctx);
  if (from.resourceFieldRef) {
    const ref = from.resourceFieldRef;
    const target = ref.containerName ? findContainer(pod, ref.containerName) : container;
    if (!target) throw new ContainerConfigError(`container ${ref.containerName} not found in pod ${ns}/${pod.metadata?.name ?? ''}`);
    return resourceFieldRefValue(target, ref, ctx.allocatable);
  }
  const keyRef = from.configMapKeyRef ?? from.secretKeyRef;
  if (!keyRef) return '';
  const optional = keyRef.optional ?? false;
  const isConfigMap = !!from.configMapKeyRef;
  const data = isConfigMap ? await objects.configMapData(keyRef.name ?? '', optional) : await objects.secretData(keyRef.name ?? '', optional);
  if (!data) return undefined;
  const value = data[keyRef.key];
  if (value !== undefined) return value;
  if (optional) return undefined;
  throw new ContainerConfigError(`couldn't find key ${keyRef.key} in ${isConfigMap ? 'ConfigMap' : 'Secret'} ${ns}/${keyRef.name ?? ''}`);
}

function findContainer(pod: Pod, name: string): Container | undefined {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === name);
}

/** The ConfigMaps and Secrets one container reads, each fetched once (upstream's configMaps/secrets maps). */
class SourceCache {
  private readonly configMaps = new Map<string, Record<string, string> | undefined>();
  private readonly secrets = new Map<string, Record<string, string> | undefined>();

  constructor(private readonly objects: PodObjects, private readonly ns: string) {}

  /** The ConfigMap's data; undefined when it is missing and `optional`. Its binaryData is not env material. */
  async configMapData(name: string, optional: boolean): Promise<Record<string, string> | undefined> {
    if (!this.configMaps.has(name)) {
      const cm: ConfigMap | undefined = await this.objects.configMap(this.ns, name);
      this.configMaps.set(name, cm ? { ...(cm.data ?? {}) } : undefined);
    }
    const data = this.configMaps.get(name);
    // Upstream's watch-based manager names the resource "configmap".
    if (!data && !optional) throw new ContainerConfigError(`configmap "${name}" not found`);
    return data;
  }

  /** The Secret's data decoded from base64 (stringData is folded in by the API server). */
  async secretData(name: string, optional: boolean): Promise<Record<string, string> | undefined> {
    if (!this.secrets.has(name)) {
      const s: Secret | undefined = await this.objects.secret(this.ns, name);
      this.secrets.set(name, s ? decodeSecretData(s) : undefined);
    }
    const data = this.secrets.get(name);
    if (!data && !optional) throw new ContainerConfigError(`secret "${name}" not found`);
    return data;
  }
}

function decodeSecretData(s: Secret): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}
