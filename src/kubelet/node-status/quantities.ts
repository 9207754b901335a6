/**
 * Resource lists as the kubelet writes them, from whole numbers: cpu in
 * millicores, everything else in units (bytes, pods). Memory and storage
 * capacity are BinarySI (`16318412Ki`), as cadvisor's capacity is; what
 * upstream derives by percentage stays a plain number.
 */
import { parseQuantity } from '../../api/validation/quantity.js';

const BINARY = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;

/** `16710053888` -> `16318412Ki`: the largest binary suffix that divides exactly. */
export function formatBinary(n: number): string {
  let v = Math.max(0, Math.floor(n));
  let suffix = '';
  for (const s of BINARY) {
    if (v === 0 || v % 1024 !== 0) break;
    v /= 1024;
    suffix = s;
  }
  return `${v}${suffix}`;
}

/** 4000 -> `4`, 3500 -> `3500m`. */
export function formatMilliCPU(milli: number): string {
  const m = Math.max(0, Math.round(milli));
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/**
 * `cpu=500m,memory=1Gi` (--system-reserved, --kube-reserved) as amounts:
 * cpu in millicores, the rest in units. Throws naming a bad entry.
 */
export function parseReservation(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [name, raw] = entry.split('=', 2);
    const q = raw === undefined ? undefined : parseQuantity(raw.trim());
    if (!name || !q || q.value < 0) throw new Error(`invalid reservation ${JSON.stringify(entry)}: want <resource>=<quantity>`);
    out[name.trim()] = name.trim() === 'cpu' ? Math.round(q.value * 1000) : Math.round(q.value);
  }
  return out;
}
