/**
 * The seam between the static pod sources (a manifest directory, a URL)
 * and the kubelet's merged view of them (static-pods.ts).
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { StaticPodSourceKind } from './annotations.js';

export interface ManifestSource {
  readonly kind: StaticPodSourceKind;
  /** The file path or URL, for logs. */
  readonly location: string;
  /**
   * The source's pods now, decoded and defaulted. A source that holds
   * several manifests leaves a bad one out (and logs it); a source that
   * cannot be read at all throws, so that its previous pods stay.
   */
  read(): Promise<Pod[]>;
  /**
   * Calls `changed` when the source may have changed, sooner than the next
   * poll would notice; returns what stops that. Optional: a source without
   * it is only polled.
   */
  watch?(changed: () => void): () => void;
}
