/**
 * Resource quantities (upstream's k8s.io/apimachinery pkg/api/resource):
 *
 *   <quantity>     ::= <signedNumber><suffix>
 *   <signedNumber> ::= [+-]? ( <digits> | <digits>.<digits> | <digits>. | .<digits> )
 *   <suffix>       ::= Ki|Mi|Gi|Ti|Pi|Ei | n|u|m|""|k|M|G|T|P|E | (e|E)[+-]?<digits>
 *
 * `value` is a float approximation of the quantity's value (`100m` -> 0.1,
 * `1Gi` -> 1073741824); precise enough for comparisons such as request <= limit.
 */

const QUANTITY_RE = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

/** Upstream's message when a quantity does not parse. */
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

export function parseQuantity(s: string): { value: number } | undefined {
  const m = QUANTITY_RE.exec(s);
  if (!m) return undefined;
  const num = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    return { value: num * 10 ** Number(suffix.slice(1)) };
  }
  return { value: num * SUFFIX[suffix] };
}

/** A quantity as the JSON may carry it: a string, or a bare number. */
export function quantityValue(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q === 'string') return parseQuantity(q)?.value;
  return undefined;
}
