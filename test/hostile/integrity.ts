/**
 * "Nothing partly written", checked against the store after a hostile run:
 * every object in the suite's namespaces (and every cluster-scoped one it
 * named) reads back complete by LIST and by GET, creates that were refused
 * left nothing, and objects whose every change was refused kept their
 * resourceVersion.
 */
import type { RawClient } from '../harness/raw-client.js';
import { CLUSTER_PREFIX, KEEP_NAMESPACE, KINDS, NAMESPACES, collectionPath } from './fixtures.js';

type Meta = { name?: unknown; namespace?: unknown; uid?: unknown; creationTimestamp?: unknown; resourceVersion?: unknown; deletionTimestamp?: unknown };
type Obj = { kind?: unknown; apiVersion?: unknown; metadata?: Meta };

function incomplete(o: Obj, kind: string, apiVersion: string, namespace: string): string | undefined {
  const m = o.metadata;
  if (o.kind !== kind || o.apiVersion !== apiVersion) return `kind/apiVersion ${String(o.kind)} ${String(o.apiVersion)}`;
  if (!m || typeof m !== 'object') return 'no metadata';
  for (const f of ['name', 'uid', 'creationTimestamp', 'resourceVersion'] as const) {
    if (typeof m[f] !== 'string' || m[f] === '') return `metadata.${f} is ${JSON.stringify(m[f])}`;
  }
  if ((m.namespace ?? '') !== namespace) return `metadata.namespace is ${JSON.stringify(m.namespace)} in namespace ${JSON.stringify(namespace)}`;
  return undefined;
}

export interface IntegrityInput {
  /** GET paths of objects whose create was refused with a 4xx. */
  refusedCreates: string[];
  /** `plural/ns/name` → resourceVersion at the start, for objects no successful request may have changed. */
  untouched: Map<string, string>;
}

/** Every problem found; empty when the store is whole. `checked` counts the objects read back. */
export async function checkIntegrity(api: RawClient, input: IntegrityInput): Promise<{ problems: string[]; checked: number }> {
  const problems: string[] = [];
  let checked = 0;
  const seen = new Map<string, string>();
  for (const k of KINDS) {
    const apiVersion = k.group ? `${k.group}/${k.version}` : k.version;
    for (const ns of k.namespaced ? [...NAMESPACES, KEEP_NAMESPACE] : ['']) {
      const path = collectionPath(k, ns);
      const list = await api.json<{ items?: Obj[]; metadata?: { continue?: string } }>('GET', path);
      if (list.status !== 200 || !Array.isArray(list.body.items)) {
        problems.push(`LIST ${path}: ${list.status}`);
        continue;
      }
      for (const item of list.body.items) {
        const name = String(item.metadata?.name ?? '');
        if (!k.namespaced && !name.startsWith(CLUSTER_PREFIX)) continue;
        checked++;
        // Lists of built-in kinds leave kind and apiVersion to the list itself.
        const p = incomplete({ kind: k.kind, apiVersion, ...item }, k.kind, apiVersion, ns);
        if (p) problems.push(`LIST ${path} item ${JSON.stringify(name)}: ${p}`);
        const got = await api.json<Obj>('GET', `${path}/${encodeURIComponent(name)}`);
        // A pod whose graceful deletion was under way when listed may be gone by now: the server ends it.
        if (got.status === 404 && item.metadata?.deletionTimestamp) continue;
        if (got.status !== 200) {
          problems.push(`GET ${path}/${name}: ${got.status} though LIST has it`);
          continue;
        }
        const g = incomplete(got.body, k.kind, apiVersion, ns);
        if (g) problems.push(`GET ${path}/${name}: ${g}`);
        if (got.body.metadata?.uid !== item.metadata?.uid || got.body.metadata?.resourceVersion !== item.metadata?.resourceVersion) {
          problems.push(`GET ${path}/${name} and LIST disagree on uid/resourceVersion`);
        }
        seen.set(`${k.plural}/${ns}/${name}`, String(got.body.metadata?.resourceVersion));
      }
    }
  }
  for (const path of input.refusedCreates) {
    const r = await api.request('GET', path);
    if (r.status !== 404) problems.push(`refused create left ${path} behind (GET: ${r.status})`);
  }
  for (const [key, rv] of input.untouched) {
    const now = seen.get(key);
    if (now !== rv) problems.push(`${key}: every change was refused, yet its resourceVersion went from ${rv} to ${now ?? '(gone)'}`);
  }
  return { problems, checked };
}
