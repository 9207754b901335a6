/**
 * Renders JSON values the way Go's `fmt` prints decoded JSON (`%v` and
 * `reflect.TypeOf`), so error messages match upstream's texts byte for byte
 * where clients or tests compare them: `map[name:a value:1]`, `[a b]`, `<nil>`.
 * Integers print as Go's int64 (the apiserver decodes with PreserveInts),
 * other numbers as float64 `%v`.
 */

/** Go `%v` of a decoded JSON value. Map keys are sorted, as fmt does. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return goNumber(v);
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    return `map[${keys.map((k) => `${k}:${goValue(o[k])}`).join(' ')}]`;
  }
  return String(v);
}

function goNumber(n: number): string {
  if (Number.isInteger(n) || !Number.isFinite(n)) return String(n);
  // float64 %v is strconv's shortest %g: exponent form when exp < -4 || exp >= 6.
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 6) {
    return n.toExponential().replace(/e([+-])(\d)$/, (_m, sign: string, d: string) => `e${sign}0${d}`);
  }
  return String(n);
}

/** Go `reflect.TypeOf(v)` name for a decoded JSON value (`%s` of it in messages). */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}
