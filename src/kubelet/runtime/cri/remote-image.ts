/**
 * ImageService over gRPC (upstream's remoteImageService). PullImage has no
 * deadline, as upstream's has none; every other call has the usual one.
 */
import type { GrpcConnection, Method } from '../../grpc/connection.js';
import type { ImageService } from './services.js';
import { imageMethod } from './proto.js';
import type { AuthConfig, FilesystemUsage, Image, ImageSpec, ImageStatusResponse, PodSandboxConfig } from './types.js';

type Req = Record<string, unknown>;

export interface RemoteImageOptions {
  /** The usual deadline of a call, in ms. @default 120000 */
  requestTimeoutMs?: number;
}

export class RemoteImageService implements ImageService {
  private readonly methods = new Map<string, Method<Req, unknown>>();
  private readonly timeoutMs: number;

  constructor(private readonly conn: GrpcConnection, opts: RemoteImageOptions = {}) {
    this.timeoutMs = opts.requestTimeoutMs ?? 120_000;
  }

  async listImages(filter?: ImageSpec): Promise<Image[]> {
    return (await this.call<{ images: Image[] }>('ListImages', { filter: filter ? { image: filter } : undefined })).images;
  }

  imageStatus(image: ImageSpec, verbose = false): Promise<ImageStatusResponse> {
    return this.call('ImageStatus', { image, verbose });
  }

  async pullImage(image: ImageSpec, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string> {
    const res = await this.call<{ imageRef: string }>('PullImage', { image, auth, sandboxConfig }, 0);
    if (!res.imageRef) throw new Error(`PullImage ${image.image}: the runtime returned no image reference`);
    return res.imageRef;
  }

  async removeImage(image: ImageSpec): Promise<void> {
    await this.call('RemoveImage', { image });
  }

  async imageFsInfo(): Promise<FilesystemUsage[]> {
    return (await this.call<{ imageFilesystems: FilesystemUsage[] }>('ImageFsInfo', {})).imageFilesystems;
  }

  private call<Res>(name: string, req: Req, timeoutMs = this.timeoutMs): Promise<Res> {
    let m = this.methods.get(name);
    if (!m) {
      m = imageMethod<Req, unknown>(name);
      this.methods.set(name, m);
    }
    return this.conn.unary(m, req, { timeoutMs }) as Promise<Res>;
  }
}
