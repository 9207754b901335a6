/**
 * The container hash the kubelet stores in the io.kubernetes.container.hash
 * annotation and compares with the desired spec on every sync: a running
 * container whose hash differs is killed and started again.
 */
import type { Container } from 'kubernetes-types/core/v1.js';

/**
 * FNV-1a, 32 bits, over the UTF-8 bytes of `text`, as 8 lowercase hex digits.
 */
export function fnv32a(text: string): string {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The hash of the fields of `container` whose change needs a restart.
 *
 * In a pod, only `image` of a container may change after creation
 * (everything else is immutable; resources change in place), so like
 * upstream's HashContainer (pkg/kubelet/container/helpers.go, since 1.31)
 * this covers name and image only. That keeps the hash stable across
 * kubelet versions and API defaulting changes, which would otherwise restart
 * every container on upgrade. Static pods change their uid when edited, so
 * they need nothing more. The result is stable for equal inputs; it is not
 * upstream's number.
 */
export function hashContainer(container: Pick<Container, 'name' | 'image'>): string {
  return fnv32a(JSON.stringify({ image: container.image ?? '', name: container.name }));
}
