/**
 * The least the client needs of an object: typed metadata. Every
 * kubernetes-types interface (Pod, Lease, ...) satisfies it.
 */
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';

export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}
