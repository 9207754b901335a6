/**
 * Reaching a CRI runtime by endpoint: k8ts's own supervised containerd, or
 * an existing runtime (`--container-runtime-endpoint unix:///...`).
 */
import { GrpcConnection } from '../../grpc/connection.js';
import { socketPathOf } from '../../grpc/endpoint.js';
import { RemoteImageService } from './remote-image.js';
import { RemoteRuntimeService } from './remote-runtime.js';
import type { ImageService, RuntimeService } from './services.js';
import type { VersionResponse } from './types.js';

/** The CRI API version k8ts speaks. */
export const CRI_API_VERSION = 'v1';

export interface CriClient {
  runtime: RuntimeService;
  images: ImageService;
  /** The channel, for runtime-specific services on the same socket (containerd's content, images, leases). */
  connection: GrpcConnection;
  /** Closes the channel; later calls fail. */
  close(): void;
}

export interface ConnectOptions {
  /** The usual deadline of a call, in ms. @default 120000 */
  requestTimeoutMs?: number;
}

/**
 * A client for the runtime at `endpoint` (`unix:///path` or `/path`). Does
 * not wait for the runtime: see waitForRuntime.
 */
export function connectCri(endpoint: string, opts: ConnectOptions = {}): CriClient {
  const connection = new GrpcConnection(socketPathOf(endpoint), { timeoutMs: opts.requestTimeoutMs });
  return {
    runtime: new RemoteRuntimeService(connection, opts),
    images: new RemoteImageService(connection, opts),
    connection,
    close: () => connection.close(),
  };
}

export interface WaitOptions {
  /** Give up after this long. @default 60000 */
  timeoutMs?: number;
  /** Between attempts. @default 250 */
  intervalMs?: number;
  /** Stops waiting early (e.g. the runtime's process exited). */
  signal?: AbortSignal;
}

/**
 * Polls Version until the runtime answers with CRI v1, as k3s does before
 * it uses containerd. Rejects with the last error after the timeout, and at
 * once when the runtime answers with another API version.
 */
export async function waitForRuntime(runtime: RuntimeService, opts: WaitOptions = {}): Promise<VersionResponse> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const interval = opts.intervalMs ?? 250;
  let last: unknown;
  for (;;) {
    opts.signal?.throwIfAborted();
    const left = deadline - Date.now();
    if (left <= 0) break;
    let v: VersionResponse | undefined;
    try {
      v = await runtime.version(CRI_API_VERSION);
    } catch (err) {
      last = err;
    }
    if (v) {
      if (v.runtimeApiVersion !== CRI_API_VERSION) {
        throw new Error(`the runtime speaks CRI ${JSON.stringify(v.runtimeApiVersion)}, not ${CRI_API_VERSION}`);
      }
      return v;
    }
    await new Promise((r) => setTimeout(r, Math.min(interval, Math.max(0, deadline - Date.now()))));
  }
  throw new Error(`the container runtime did not answer within ${opts.timeoutMs ?? 60_000} ms: ${last instanceof Error ? last.message : String(last)}`, { cause: last });
}
