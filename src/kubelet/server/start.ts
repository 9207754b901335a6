/**
 * The kubelet server as the agent runs it: serving certificate ensured,
 * client CA read, metrics fed by the pod informer, listening. Throws with
 * the file's name when the client CA cannot be read or holds no
 * certificate, and when the port is taken.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import type { ImageService, RuntimeService } from '../runtime/cri/services.js';
import { KubeletMetrics } from './kubelet-metrics.js';
import { trackPodStarts, type PodEvents } from './pod-start-tracker.js';
import { KubeletServer } from './server.js';
import { ensureServingCertificate } from './serving-cert.js';
import { StatsProvider } from './stats-provider.js';

export interface StartKubeletServerOptions {
  nodeName: string;
  /** The node's IPs: SANs of the serving certificate. */
  nodeIPs: string[];
  port: number;
  address?: string;
  certPath: string;
  keyPath: string;
  clientCaFile?: string;
  runtime: RuntimeService;
  images: ImageService;
  /** The kubelet's pods and their events (its informer). */
  pods: { list(): Pod[] } & PodEvents;
  rootDir: string;
  imageFsDir?: string;
  podLogsDir: string;
  logger?: Logger;
}

export interface RunningKubeletServer {
  port: number;
  stop(): Promise<void>;
}

export async function startKubeletServer(o: StartKubeletServerOptions): Promise<RunningKubeletServer> {
  let clientCaPem: string | undefined;
  if (o.clientCaFile) {
    try {
      clientCaPem = readFileSync(o.clientCaFile, 'utf8');
      new X509Certificate(clientCaPem);
    } catch (e) {
      throw new Error(`--client-ca-file ${o.clientCaFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else {
    o.logger?.warn('no --client-ca-file: the kubelet server answers only /healthz');
  }
  const cert = ensureServingCertificate({ certPath: o.certPath, keyPath: o.keyPath, hostname: o.nodeName, sans: [o.nodeName, ...o.nodeIPs] });
  if (cert.generated) o.logger?.info({ cert: o.certPath }, 'generated a self-signed kubelet serving certificate');
  const metrics = new KubeletMetrics(o.nodeName, o.runtime);
  const untrack = trackPodStarts(o.pods, metrics.podStartDuration);
  const stats = new StatsProvider({
    nodeName: o.nodeName, runtime: o.runtime, images: o.images, rootDir: o.rootDir, podLogsDir: o.podLogsDir,
    ...(o.imageFsDir ? { imageFsDir: o.imageFsDir } : {}),
  });
  const server = new KubeletServer({
    port: o.port, certPem: cert.certPem, keyPem: cert.keyPem, pods: () => o.pods.list(), metrics, stats, runtime: o.runtime,
    ...(o.address ? { address: o.address } : {}), ...(clientCaPem ? { clientCaPem } : {}), ...(o.logger ? { logger: o.logger } : {}),
  });
  const port = await server.start();
  o.logger?.info({ port }, 'kubelet server listening');
  return { port, stop: async () => { untrack(); await server.stop(); } };
}
