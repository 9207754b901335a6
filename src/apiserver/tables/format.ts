/**
 * Formatting helpers the printers share, each matching the upstream function
 * named in its comment.
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { Container } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../api/object.js';

/** Views a stored object as its typed shape. The printers read fields defensively. */
export function as<T>(obj: KubeObject): T {
  return obj as unknown as T;
}

/** labels.FormatLabels: `k=v` sorted by key, comma-joined; "<none>" when empty. */
export function formatLabels(labels: Record<string, string> | null | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/**
 * metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key,
 * `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`; "" for a nil or empty
 * selector; undefined when an operator is not valid (upstream returns an error).
 */
export function labelSelectorString(sel: LabelSelector | null | undefined): string | undefined {
  if (!sel) return '';
  const reqs: Array<{ key: string; text: string }> = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` });
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort();
    switch (e.operator) {
      case 'In': reqs.push({ key: e.key, text: `${e.key} in (${values.join(',')})` }); break;
      case 'NotIn': reqs.push({ key: e.key, text: `${e.key} notin (${values.join(',')})` }); break;
      case 'Exists': reqs.push({ key: e.key, text: e.key }); break;
      case 'DoesNotExist': reqs.push({ key: e.key, text: `!${e.key}` }); break;
      default: return undefined;
    }
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: the selector string, "<none>" when empty, "<error>" when invalid. */
export function formatLabelSelector(sel: LabelSelector | null | undefined): string {
  const s = labelSelectorString(sel);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** layoutContainerCells: container names and images, each comma-joined. */
export function layoutContainerCells(containers: Container[] | null | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name ?? '').join(','), list.map((c) => c.image ?? '').join(',')];
}

/** intstr.IntOrString.String(). */
export function intOrString(v: number | string): string {
  return typeof v === 'number' ? String(v) : v;
}

/** printBoolPtr: "True", "False", or "<unset>". */
export function printBoolPtr(v: boolean | null | undefined): string {
  if (v === undefined || v === null) return '<unset>';
  return v ? 'True' : 'False';
}

/**
 * resource.Quantity.String() of a serialized quantity. Stored quantities are
 * taken as already canonical; an absent one is the zero Quantity, "0".
 */
export function quantity(q: string | number | null | undefined): string {
  if (q === undefined || q === null || q === '') return '0';
  return String(q);
}

/** listWithMoreString: "a,b,c + N more...", or "<unset>" for an empty list. */
export function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

/** net.JoinHostPort: brackets IPv6 hosts. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** helper.GetAccessModesAsString: "RWO,ROX,RWX,RWOP" in that order, duplicates dropped. */
export function accessModesString(modes: string[] | null | undefined): string {
  const set = new Set(modes ?? []);
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}
