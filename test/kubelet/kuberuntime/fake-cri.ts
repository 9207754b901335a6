/**
 * An in-memory CRI runtime and image service for the actor's tests: keeps
 * sandboxes and containers with their labels, records every call, and
 * fails a call on demand. Not a simulation of containerd: containers stay
 * where the test puts them.
 */
import type { ImageService, RuntimeService } from '../../../src/kubelet/runtime/cri/services.js';
import type {
  Container, ContainerConfig, ContainerFilter, ContainerStats, ContainerStatsFilter, ContainerStatus, PodSandboxStats, PodSandboxStatsFilter, ContainerStatusResponse, ExecSyncResponse, FilesystemUsage, Image,
  ImageSpec, ImageStatusResponse, PodSandbox, PodSandboxConfig, PodSandboxFilter, PodSandboxStatusResponse, StatusResponse, StreamOptions, VersionResponse,
} from '../../../src/kubelet/runtime/cri/types.js';
import { GrpcError } from '../../../src/kubelet/grpc/errors.js';

interface FakeSandbox { sandbox: PodSandbox; config: PodSandboxConfig; ip: string }
interface FakeContainer { container: Container; status: ContainerStatus; config: ContainerConfig }

function matches(labels: Record<string, string>, selector: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

function notFound(what: string): GrpcError {
  return new GrpcError('/fake', 5, `${what} not found`);
}

function streamFlags(s: StreamOptions): string {
  return (['stdin', 'stdout', 'stderr', 'tty'] as const).filter((k) => s[k]).join(',');
}

export class FakeCri implements RuntimeService, ImageService {
  readonly calls: string[] = [];
  readonly sandboxes = new Map<string, FakeSandbox>();
  readonly containers = new Map<string, FakeContainer>();
  readonly images = new Map<string, string>();
  /** Container ID → the CPU (ns) and working set (bytes) its stats report; zeros when absent. */
  readonly usage = new Map<string, { cpuNs: number; memoryBytes: number }>();
  /** Method name → error the next call of it rejects with. */
  readonly failNext = new Map<string, Error>();
  private seq = 0;
  private now = Date.now();

  private record(call: string): void {
    this.calls.push(call);
    const method = call.split(' ')[0]!;
    const err = this.failNext.get(method);
    if (err) { this.failNext.delete(method); throw err; }
  }

  /** Real time, strictly increasing (ms), as CRI nanoseconds. */
  private tick(): number { this.now = Math.max(this.now + 1, Date.now()); return this.now * 1e6; }

  async version(): Promise<VersionResponse> { return { version: '0.1.0', runtimeName: 'fake', runtimeVersion: '1', runtimeApiVersion: 'v1' }; }
  async status(): Promise<StatusResponse> { return { info: {} }; }
  async updateRuntimeConfig(): Promise<void> { /* nothing */ }

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    this.record(`runPodSandbox ${config.metadata.name} ${config.metadata.attempt ?? 0}`);
    const id = `sb${++this.seq}`;
    this.sandboxes.set(id, {
      config, ip: `10.42.0.${this.seq}`,
      sandbox: { id, metadata: { attempt: 0, ...config.metadata }, state: 'SANDBOX_READY', createdAt: this.tick(), labels: config.labels ?? {}, annotations: config.annotations ?? {}, runtimeHandler: '' },
    });
    return id;
  }
  async stopPodSandbox(id: string): Promise<void> {
    this.record(`stopPodSandbox ${id}`);
    const s = this.sandboxes.get(id);
    if (s) s.sandbox.state = 'SANDBOX_NOTREADY';
    for (const c of this.containers.values()) if (c.container.podSandboxId === id) this.exit(c.container.id, 137);
  }
  async removePodSandbox(id: string): Promise<void> {
    this.record(`removePodSandbox ${id}`);
    this.sandboxes.delete(id);
    for (const [cid, c] of this.containers) if (c.container.podSandboxId === id) this.containers.delete(cid);
  }
  async podSandboxStatus(id: string): Promise<PodSandboxStatusResponse> {
    const s = this.sandboxes.get(id);
    if (!s) throw notFound(id);
    return { info: {}, status: { ...s.sandbox, metadata: s.sandbox.metadata!, network: { ip: s.sandbox.state === 'SANDBOX_READY' ? s.ip : '', additionalIps: [] }, linux: { namespaces: { options: { network: s.config.linux?.securityContext?.namespaceOptions?.network ?? 'POD', pid: 'CONTAINER', ipc: 'POD', targetId: '' } } } } };
  }
  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    return [...this.sandboxes.values()].map((s) => s.sandbox)
      .filter((s) => matches(s.labels, filter?.labelSelector) && (!filter?.state || s.state === filter.state.state));
  }
  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    this.record(`createContainer ${config.metadata.name} ${config.metadata.attempt ?? 0}`);
    const id = `c${++this.seq}`;
    const createdAt = this.tick();
    const base = { id, metadata: { attempt: 0, ...config.metadata }, image: config.image, imageRef: config.image.image, state: 'CONTAINER_CREATED' as const, createdAt, labels: config.labels ?? {}, annotations: config.annotations ?? {} };
    this.containers.set(id, {
      config,
      container: { ...base, podSandboxId: sandboxId },
      status: { ...base, startedAt: 0, finishedAt: 0, exitCode: 0, reason: '', message: '', mounts: [], logPath: config.logPath ?? '' },
    });
    return id;
  }
  async startContainer(id: string): Promise<void> {
    this.record(`startContainer ${this.containers.get(id)?.config.metadata.name ?? id}`);
    const c = this.containers.get(id);
    if (!c) throw notFound(id);
    c.container.state = c.status.state = 'CONTAINER_RUNNING';
    c.status.startedAt = this.tick();
  }
  /** The test's hand: the container exits with `code`. */
  exit(id: string, code: number): void {
    const c = this.containers.get(id);
    if (!c || c.status.state === 'CONTAINER_EXITED') return;
    c.container.state = c.status.state = 'CONTAINER_EXITED';
    c.status.exitCode = code;
    c.status.reason = code === 0 ? 'Completed' : 'Error';
    c.status.finishedAt = this.tick();
  }
  async stopContainer(id: string, timeout: number): Promise<void> {
    this.record(`stopContainer ${this.containers.get(id)?.config.metadata.name ?? id} ${timeout}`);
    this.exit(id, 143);
  }
  async removeContainer(id: string): Promise<void> {
    this.record(`removeContainer ${this.containers.get(id)?.config.metadata.name ?? id}`);
    this.containers.delete(id);
  }
  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    return [...this.containers.values()].map((c) => c.container)
      .filter((c) => matches(c.labels, filter?.labelSelector) && (!filter?.podSandboxId || c.podSandboxId === filter.podSandboxId)
        && (!filter?.state || c.state === filter.state.state));
  }
  async containerStatus(id: string): Promise<ContainerStatusResponse> {
    const c = this.containers.get(id);
    if (!c) throw notFound(id);
    return { info: {}, status: { ...c.status } };
  }
  async execSync(): Promise<ExecSyncResponse> { return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0 }; }
  /** The URLs the streaming calls hand out; set `streamingBase` to a test server. */
  streamingBase = 'http://127.0.0.1:1';
  async exec(id: string, cmd: string[], s: StreamOptions): Promise<string> {
    this.record(`exec ${id} ${cmd.join(' ')} ${streamFlags(s)}`);
    if (this.containers.get(id)?.status.state !== 'CONTAINER_RUNNING') throw notFound(id);
    return `${this.streamingBase}/exec/t${++this.seq}`;
  }
  async attach(id: string, s: StreamOptions): Promise<string> {
    this.record(`attach ${id} ${streamFlags(s)}`);
    if (this.containers.get(id)?.status.state !== 'CONTAINER_RUNNING') throw notFound(id);
    return `${this.streamingBase}/attach/t${++this.seq}`;
  }
  async portForward(sandboxId: string, ports: number[]): Promise<string> {
    this.record(`portForward ${sandboxId} ${ports.join(',')}`);
    if (!this.sandboxes.has(sandboxId)) throw notFound(sandboxId);
    return `${this.streamingBase}/portforward/t${++this.seq}`;
  }
  async reopenContainerLog(id: string): Promise<void> {
    this.record(`reopenContainerLog ${id}`);
    const c = this.containers.get(id);
    if (!c) throw notFound(id);
    if (c.status.state !== 'CONTAINER_RUNNING') throw new GrpcError('/fake', 9, `container ${id} is not running`);
  }
  async listContainerStats(filter?: ContainerStatsFilter): Promise<ContainerStats[]> {
    return (await this.listContainers({ ...(filter?.podSandboxId ? { podSandboxId: filter.podSandboxId } : {}), ...(filter?.labelSelector ? { labelSelector: filter.labelSelector } : {}) }))
      .filter((c) => c.state === 'CONTAINER_RUNNING' && (!filter?.id || c.id === filter.id))
      .map((c) => this.statsOf(c));
  }
  async listPodSandboxStats(filter?: PodSandboxStatsFilter): Promise<PodSandboxStats[]> {
    const out: PodSandboxStats[] = [];
    for (const s of await this.listPodSandbox(filter?.labelSelector ? { labelSelector: filter.labelSelector } : undefined)) {
      if (s.state !== 'SANDBOX_READY' || (filter?.id && s.id !== filter.id)) continue;
      const containers = await this.listContainerStats({ podSandboxId: s.id });
      const sum = (f: (c: ContainerStats) => number): number => containers.reduce((a, c) => a + f(c), 0);
      const ts = Date.now() * 1e6;
      out.push({
        attributes: { id: s.id, metadata: s.metadata!, labels: s.labels, annotations: s.annotations },
        linux: {
          cpu: { timestamp: ts, usageCoreNanoSeconds: { value: sum((c) => c.cpu?.usageCoreNanoSeconds?.value ?? 0) } },
          memory: { timestamp: ts, workingSetBytes: { value: sum((c) => c.memory?.workingSetBytes?.value ?? 0) } },
          containers,
        },
      });
    }
    return out;
  }
  private statsOf(c: Container): ContainerStats {
    const u = this.usage.get(c.id) ?? { cpuNs: 0, memoryBytes: 0 };
    const ts = Date.now() * 1e6;
    return {
      attributes: { id: c.id, metadata: c.metadata!, labels: c.labels, annotations: c.annotations },
      cpu: { timestamp: ts, usageCoreNanoSeconds: { value: u.cpuNs } },
      memory: { timestamp: ts, workingSetBytes: { value: u.memoryBytes } },
      writableLayer: { timestamp: ts, usedBytes: { value: 4096 }, inodesUsed: { value: 1 } },
    };
  }

  async listImages(): Promise<Image[]> { return []; }
  async imageStatus(spec: ImageSpec): Promise<ImageStatusResponse> {
    this.record(`imageStatus ${spec.image}`);
    const id = this.images.get(spec.image);
    return { info: {}, ...(id ? { image: { id, repoTags: [spec.image], repoDigests: [], size: 1, username: '', pinned: false } } : {}) };
  }
  async pullImage(spec: ImageSpec): Promise<string> {
    this.record(`pullImage ${spec.image}`);
    const id = `sha256:${spec.image}`;
    this.images.set(spec.image, id);
    return id;
  }
  async removeImage(): Promise<void> { /* nothing */ }
  async imageFsInfo(): Promise<FilesystemUsage[]> { return []; }
}
