/**
 * Amounts back to quantity strings for status.used, in the style of the
 * matching status.hard value: cpu as cores or millicores (`2`, `250m`),
 * byte-like amounts with binary suffixes when hard uses them (`128Mi`) and
 * decimal ones otherwise (`500M`), counts as plain integers.
 */
import { amountOf } from '../../api/pods/index.js';

const BINARY = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/** Whether a quota resource name is measured in cpu (millicores): `cpu`, `requests.cpu`, `limits.cpu`. */
export function isCpuResource(name: string): boolean {
  return name === 'cpu' || name.endsWith('.cpu');
}

/** A quota resource's quantity as an integer amount (millicores for cpu, base units otherwise, rounded up). */
export function quotaAmount(name: string, q: unknown): number {
  return amountOf(isCpuResource(name) ? 'cpu' : name, q);
}

function withSuffix(n: number, base: number, suffixes: readonly string[]): string | undefined {
  if (n === 0) return '0';
  let i = 0;
  while (i < suffixes.length - 1 && n % base ** (i + 1) === 0) i++;
  return i === 0 ? undefined : `${n / base ** i}${suffixes[i]}`;
}

/** `amount` of resource `name` as a quantity string, styled after `like` (the hard value) when given. */
export function formatAmount(name: string, amount: number, like?: unknown): string {
  if (isCpuResource(name)) return amount % 1000 === 0 ? String(amount / 1000) : `${amount}m`;
  const binaryStyle = typeof like === 'string' && /[KMGTPE]i$/.test(like);
  const first = binaryStyle ? withSuffix(amount, 1024, BINARY) : withSuffix(amount, 1000, DECIMAL);
  return first ?? String(amount);
}
