/**
 * `{{ variable }}` substitution in stage templates. A string that is one
 * placeholder becomes the variable's value; placeholders inside a longer
 * string are replaced by their text. Variables are resolved lazily, so a
 * template that never names `podIP` allocates none.
 */

export type TemplateVariables = Readonly<Record<string, () => string>>;

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_.]*)\s*\}\}/g;

/** Names used by `template` (for validation). */
export function templateVariables(template: unknown, out = new Set<string>()): Set<string> {
  if (typeof template === 'string') for (const m of template.matchAll(PLACEHOLDER)) out.add(m[1]!);
  else if (Array.isArray(template)) for (const v of template) templateVariables(v, out);
  else if (template && typeof template === 'object') for (const v of Object.values(template)) templateVariables(v, out);
  return out;
}

/** A deep copy of `template` with placeholders replaced; throws on an unknown variable. */
export function renderTemplate<T>(template: T, vars: TemplateVariables): T {
  const lookup = (name: string): string => {
    const f = vars[name];
    if (!f) throw new Error(`unknown template variable {{ ${name} }}`);
    return f();
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes('{{') ? v.replace(PLACEHOLDER, (_m, name: string) => lookup(name)) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(template) as T;
}
