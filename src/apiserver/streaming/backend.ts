/**
 * What the streaming handlers need from the rest of the API server: objects
 * by name (the NotFound Status when missing), the kubelet client
 * configuration, and a logger.
 */
import type { Endpoints, Node, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import type { KubeletClientConfig } from './kubelet-target.js';

export interface StreamingBackend {
  /** Each throws the NotFound Status when the object does not exist. */
  getPod(namespace: string, name: string): Promise<Pod>;
  getNode(name: string): Promise<Node>;
  getService(namespace: string, name: string): Promise<Service>;
  getEndpoints(namespace: string, name: string): Promise<Endpoints>;
  kubeletClient: KubeletClientConfig;
  logger: Logger;
}
