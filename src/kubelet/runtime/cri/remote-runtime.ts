/**
 * RuntimeService over gRPC (upstream's remoteRuntimeService). Deadlines
 * follow the kubelet: the connection's request timeout for every call, plus
 * the container's grace period for StopContainer and the command's timeout
 * for ExecSync (none when that is 0).
 */
import type { GrpcConnection, Method } from '../../grpc/connection.js';
import type { RuntimeService } from './services.js';
import { runtimeMethod } from './proto.js';
import type {
  Container, ContainerConfig, ContainerFilter, ContainerStats, ContainerStatsFilter, ContainerStatusResponse, ExecSyncResponse, PodSandbox,
  PodSandboxConfig, PodSandboxFilter, PodSandboxStats, PodSandboxStatsFilter, PodSandboxStatusResponse, StatusResponse, StreamOptions, VersionResponse,
} from './types.js';

type Req = Record<string, unknown>;

export interface RemoteRuntimeOptions {
  /** The usual deadline of a call, in ms. @default 120000 */
  requestTimeoutMs?: number;
}

export class RemoteRuntimeService implements RuntimeService {
  private readonly methods = new Map<string, Method<Req, unknown>>();
  private readonly timeoutMs: number;

  constructor(private readonly conn: GrpcConnection, opts: RemoteRuntimeOptions = {}) {
    this.timeoutMs = opts.requestTimeoutMs ?? 120_000;
  }

  version(apiVersion: string): Promise<VersionResponse> {
    return this.call('Version', { version: apiVersion });
  }

  status(verbose = false): Promise<StatusResponse> {
    return this.call('Status', { verbose });
  }

  async updateRuntimeConfig(podCidr: string): Promise<void> {
    await this.call('UpdateRuntimeConfig', { runtimeConfig: { networkConfig: { podCidr } } });
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    const res = await this.call<{ podSandboxId: string }>('RunPodSandbox', { config, runtimeHandler });
    if (!res.podSandboxId) throw new Error(`RunPodSandbox for ${config.metadata.namespace}/${config.metadata.name}: the runtime returned no sandbox ID`);
    return res.podSandboxId;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.call('StopPodSandbox', { podSandboxId });
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.call('RemovePodSandbox', { podSandboxId });
  }

  podSandboxStatus(podSandboxId: string, verbose = false): Promise<PodSandboxStatusResponse> {
    return this.call('PodSandboxStatus', { podSandboxId, verbose });
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    return (await this.call<{ items: PodSandbox[] }>('ListPodSandbox', { filter })).items;
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const res = await this.call<{ containerId: string }>('CreateContainer', { podSandboxId, config, sandboxConfig });
    if (!res.containerId) throw new Error(`CreateContainer ${config.metadata.name} in ${podSandboxId}: the runtime returned no container ID`);
    return res.containerId;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.call('StartContainer', { containerId });
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    await this.call('StopContainer', { containerId, timeout: timeoutSeconds },
      this.timeoutMs + Math.max(0, timeoutSeconds) * 1000);
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.call('RemoveContainer', { containerId });
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    return (await this.call<{ containers: Container[] }>('ListContainers', { filter })).containers;
  }

  containerStatus(containerId: string, verbose = false): Promise<ContainerStatusResponse> {
    return this.call('ContainerStatus', { containerId, verbose });
  }

  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse> {
    return this.call('ExecSync', { containerId, cmd, timeout: timeoutSeconds },
      timeoutSeconds > 0 ? this.timeoutMs + timeoutSeconds * 1000 : 0);
  }

  async exec(containerId: string, cmd: string[], streams: StreamOptions): Promise<string> {
    return streamingUrl('Exec', containerId, await this.call<{ url: string }>('Exec', { containerId, cmd, ...streams }));
  }

  async attach(containerId: string, streams: StreamOptions): Promise<string> {
    return streamingUrl('Attach', containerId, await this.call<{ url: string }>('Attach', { containerId, ...streams }));
  }

  async portForward(podSandboxId: string, ports: number[]): Promise<string> {
    return streamingUrl('PortForward', podSandboxId, await this.call<{ url: string }>('PortForward', { podSandboxId, port: ports }));
  }

  async reopenContainerLog(containerId: string): Promise<void> {
    await this.call('ReopenContainerLog', { containerId });
  }

  async listContainerStats(filter?: ContainerStatsFilter): Promise<ContainerStats[]> {
    return (await this.call<{ stats: ContainerStats[] }>('ListContainerStats', { filter })).stats;
  }

  async listPodSandboxStats(filter?: PodSandboxStatsFilter): Promise<PodSandboxStats[]> {
    return (await this.call<{ stats: PodSandboxStats[] }>('ListPodSandboxStats', { filter })).stats;
  }

  private call<Res>(name: string, req: Req, timeoutMs = this.timeoutMs): Promise<Res> {
    let m = this.methods.get(name);
    if (!m) {
      m = runtimeMethod<Req, unknown>(name);
      this.methods.set(name, m);
    }
    return this.conn.unary(m, req, { timeoutMs }) as Promise<Res>;
  }
}

function streamingUrl(method: string, id: string, res: { url: string }): string {
  if (!res.url) throw new Error(`${method} ${id}: the runtime returned no URL`);
  return res.url;
}
