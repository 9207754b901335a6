/**
 * A fake of the parts of the CRI node status reads (Version, Status,
 * ListImages), with knobs to make the runtime or its network not ready or
 * unreachable. The real runtime is tested against containerd elsewhere.
 */
import type { Image, StatusResponse, VersionResponse } from '../../../src/kubelet/runtime/cri/types.js';
import type { HostInfo, HostUsage, StatusImages, StatusRuntime } from '../../../src/kubelet/node-status/index.js';

export class FakeStatusCri implements StatusRuntime, StatusImages {
  runtimeReady = true;
  networkReady = true;
  /** When set, every call rejects with it (the runtime is down). */
  down: Error | undefined;
  images: Image[] = [];
  runtimeVersion = '1.7.24';

  async version(apiVersion: string): Promise<VersionResponse> {
    if (this.down) throw this.down;
    return { version: '0.1.0', runtimeName: 'containerd', runtimeVersion: this.runtimeVersion, runtimeApiVersion: apiVersion };
  }

  async status(): Promise<StatusResponse> {
    if (this.down) throw this.down;
    return {
      status: {
        conditions: [
          { type: 'RuntimeReady', status: this.runtimeReady, reason: this.runtimeReady ? '' : 'RuntimeDown', message: this.runtimeReady ? '' : 'containerd is stopping' },
          { type: 'NetworkReady', status: this.networkReady, reason: this.networkReady ? '' : 'NetworkPluginNotReady', message: this.networkReady ? '' : 'Network plugin returns error: cni plugin not initialized' },
        ],
      },
      info: {},
    };
  }

  async listImages(): Promise<Image[]> {
    if (this.down) throw this.down;
    return this.images;
  }
}

export function image(name: string, size: number, digest = `sha256:${'0'.repeat(63)}${size % 10}`): Image {
  return { id: digest, repoTags: [name], repoDigests: [`${name.split(':')[0]}@${digest}`], size, username: '', pinned: false };
}

const GiB = 2 ** 30;

/** A host as readHostInfo() would report it. */
export const HOST: HostInfo = {
  hostname: 'node-a', cpus: 4, memoryBytes: 16318412 * 1024, ephemeralStorageBytes: 100 * GiB,
  kernelVersion: '6.1.0-28-amd64', osImage: 'Debian GNU/Linux 12 (bookworm)',
  machineID: 'a3f0c1d2e3f4a5b6c7d8e9f0a1b2c3d4', systemUUID: '4C4C4544-0042-3510-8052-B4C04F4E5A32', bootID: 'b1e2c3d4-0000-4000-8000-000000000001',
  operatingSystem: 'linux', architecture: 'amd64', internalIP: '192.168.1.20',
};

/** A host with plenty of everything, with `over` changed. */
export function usage(over: Partial<HostUsage> = {}): HostUsage {
  return {
    memoryAvailableBytes: 8 * GiB, memoryCapacityBytes: HOST.memoryBytes,
    nodeFs: { capacityBytes: 100 * GiB, availableBytes: 60 * GiB, inodes: 1_000_000, inodesFree: 900_000 },
    maxPID: 4_194_304, processes: 400, ...over,
  };
}
