/**
 * A fake of the parts of the CRI node status reads (Version, Status,
 * ListImages), with knobs to make the runtime or its network not ready or
 * unreachable. The real runtime is tested against containerd elsewhere.
 */
import type { Image, StatusResponse, VersionResponse } from '../../../src/kubelet/runtime/cri/types.js';
import type { StatusImages, StatusRuntime } from '../../../src/kubelet/node-status/index.js';

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
