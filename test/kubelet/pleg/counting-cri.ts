/** The in-memory CRI, counting the read calls (lists and statuses) and able to fail ContainerStatus. */
import type { Container, ContainerStatusResponse, PodSandbox, PodSandboxStatusResponse } from '../../../src/kubelet/runtime/cri/types.js';
import { FakeCri } from '../kuberuntime/fake-cri.js';

export class CountingCri extends FakeCri {
  /** Method name to calls since the last resetReads(). */
  readonly reads = new Map<string, number>();
  /** While set, ContainerStatus rejects with it. */
  failStatus: Error | undefined;
  private count(m: string): void { this.reads.set(m, (this.reads.get(m) ?? 0) + 1); }
  override async listPodSandbox(...a: Parameters<FakeCri['listPodSandbox']>): Promise<PodSandbox[]> { this.count('listPodSandbox'); return super.listPodSandbox(...a); }
  override async listContainers(...a: Parameters<FakeCri['listContainers']>): Promise<Container[]> { this.count('listContainers'); return super.listContainers(...a); }
  override async podSandboxStatus(id: string): Promise<PodSandboxStatusResponse> { this.count('podSandboxStatus'); return super.podSandboxStatus(id); }
  override async containerStatus(id: string): Promise<ContainerStatusResponse> {
    this.count('containerStatus');
    if (this.failStatus) throw this.failStatus;
    return super.containerStatus(id);
  }
  resetReads(): void { this.reads.clear(); }
}
