/**
 * The kubelet server as the agent runs it: serving certificate ensured,
 * client CA read, metrics fed by the pod informer, listening. Throws with
 * the file's name when the client CA cannot be read or holds no
 * certificate, and when the port is taken.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../api/log.js';
import type { ImageService, RuntimeService } from '../runtime/cri/services.js';
import { KubeletMetrics } from './kubelet-metrics.js';
import { trackPodStarts, type PodEvents } from './pod-start-tracker.js';
import { KubeletServer } from './server.js';
import { ensureServingCertificate } from './serving-cert.js';
import { requestServingCertificate } from './serving-cert-request.js';
import type { ConnectionConfig } from '../../client/index.js';
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
  /**
   * The node's connection to the API server: when it has a CA, the serving
   * certificate is asked of the server, signed by that CA, and client
   * certificates of that CA are accepted unless clientCaFile says otherwise.
   */
  connection?: ConnectionConfig;
  runtime: RuntimeService;
  images: ImageService;
  /** Streaming sessions idle this long are closed. @default 4 h */
  streamingIdleTimeoutMs?: number;
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
  const clusterCaPem = o.connection?.ca?.toString('utf8');
  if (o.clientCaFile) {
    try {
      clientCaPem = readFileSync(o.clientCaFile, 'utf8');
      new X509Certificate(clientCaPem);
    } catch (e) {
      throw new Error(`--client-ca-file ${o.clientCaFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else if (clusterCaPem) {
    clientCaPem = clusterCaPem;
  } else {
    o.logger?.warn('no --client-ca-file and no cluster CA: the kubelet server answers only /healthz');
  }
  const connection = o.connection;
  const cert = await ensureServingCertificate({
    certPath: o.certPath, keyPath: o.keyPath, hostname: o.nodeName, sans: [o.nodeName, ...o.nodeIPs],
    ...(connection && clusterCaPem ? { issuer: { caPem: clusterCaPem, issue: (sans) => requestServingCertificate(connection, o.nodeName, sans.filter((s) => isIP(s) !== 0)) } } : {}),
  });
  if (cert.issuerError) o.logger?.warn({ err: cert.issuerError }, 'the server did not sign a kubelet serving certificate: the API server cannot verify this kubelet');
  if (cert.generated) o.logger?.info({ cert: o.certPath, clusterSigned: cert.clusterSigned }, cert.clusterSigned ? 'kubelet serving certificate signed by the cluster CA' : 'generated a self-signed kubelet serving certificate');
  const metrics = new KubeletMetrics(o.nodeName, o.runtime);
  const untrack = trackPodStarts(o.pods, metrics.podStartDuration);
  const stats = new StatsProvider({
    nodeName: o.nodeName, runtime: o.runtime, images: o.images, rootDir: o.rootDir, podLogsDir: o.podLogsDir,
    ...(o.imageFsDir ? { imageFsDir: o.imageFsDir } : {}),
  });
  const server = new KubeletServer({
    port: o.port, certPem: cert.certPem, keyPem: cert.keyPem, pods: () => o.pods.list(), metrics, stats, runtime: o.runtime,
    ...(o.streamingIdleTimeoutMs ? { streamingIdleTimeoutMs: o.streamingIdleTimeoutMs } : {}),
    ...(o.address ? { address: o.address } : {}), ...(clientCaPem ? { clientCaPem } : {}), ...(o.logger ? { logger: o.logger } : {}),
  });
  const port = await server.start();
  o.logger?.info({ port }, 'kubelet server listening');
  return { port, stop: async () => { untrack(); await server.stop(); } };
}
