/**
 * The few containerd services (1.6 API) that an image import needs and CRI
 * lacks: the content store, image records and leases. Every call is scoped
 * to one containerd namespace (the CRI's is "k8s.io") and, inside
 * withLease, to a lease that keeps new blobs from garbage collection until
 * an image refers to them.
 */
import { randomBytes } from 'node:crypto';
import type { CallOptions, GrpcConnection, Method } from '../../grpc/connection.js';
import { isAlreadyExists, isNotFound } from '../../grpc/errors.js';
import { containerdMethod } from './proto.js';

/** The containerd namespace the CRI plugin uses. */
export const CRI_NAMESPACE = 'k8s.io';

export interface ContentDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface ContentInfo {
  digest: string;
  size: number;
  labels: Record<string, string>;
}

/** Reads `length` bytes of a blob from `offset`. */
export type BlobReader = (offset: number, length: number) => Promise<Buffer>;

type Req = Record<string, unknown>;

const CHUNK = 1024 * 1024;

export class ContainerdClient {
  private lease: string | undefined;

  constructor(private readonly conn: GrpcConnection, readonly namespace: string = CRI_NAMESPACE) {}

  /**
   * Runs `fn` with a client whose calls carry a new lease, then deletes the
   * lease. The lease expires by itself after `expireMs` should k8ts die
   * before deleting it.
   */
  async withLease<T>(fn: (client: ContainerdClient) => Promise<T>, expireMs = 3_600_000): Promise<T> {
    const id = `k8ts-${randomBytes(8).toString('hex')}`;
    await this.unary(containerdMethod('leases', 'Create'), {
      id, labels: { 'containerd.io/gc.expire': new Date(Date.now() + expireMs).toISOString() },
    });
    const leased = new ContainerdClient(this.conn, this.namespace);
    leased.lease = id;
    try {
      return await fn(leased);
    } finally {
      await this.unary(containerdMethod('leases', 'Delete'), { id }).catch(() => undefined);
    }
  }

  /** The blob's info, or undefined when the namespace does not have it. */
  async contentInfo(digest: string): Promise<ContentInfo | undefined> {
    try {
      const res = await this.unary<{ info?: ContentInfo }>(containerdMethod('content', 'Info'), { digest });
      return res.info;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * Writes a blob unless the namespace already has it; containerd checks
   * size and digest on commit. Resolves true when it wrote, false when the
   * blob was there.
   */
  async writeContent(desc: ContentDescriptor, read: BlobReader): Promise<boolean> {
    if (await this.contentInfo(desc.digest)) return false;
    const m = containerdMethod<Req, { offset: number; digest: string }>('content', 'Write');
    const stream = this.conn.lockstep(m, this.callOptions({ timeoutMs: 120_000 + Math.ceil(desc.size / CHUNK) * 1000 }));
    const ref = `k8ts-write-${desc.digest}`;
    try {
      let offset = 0;
      do {
        const length = Math.min(CHUNK, desc.size - offset);
        const data = length > 0 ? await read(offset, length) : Buffer.alloc(0);
        if (data.length !== length) throw new Error(`blob ${desc.digest}: short read at ${offset} (${data.length} of ${length} bytes)`);
        const last = offset + length >= desc.size;
        const res = await stream.send({
          action: last ? 'COMMIT' : 'WRITE', ref, total: desc.size, expected: desc.digest, offset, data,
        });
        offset += length;
        if (res.offset !== offset) throw new Error(`blob ${desc.digest}: containerd is at offset ${res.offset}, expected ${offset}`);
        if (last && res.digest !== desc.digest) throw new Error(`blob ${desc.digest}: containerd committed ${res.digest}`);
      } while (offset < desc.size);
      await stream.close();
      return true;
    } catch (err) {
      stream.cancel();
      if (isAlreadyExists(err)) return false;
      throw err;
    }
  }

  /** Sets these labels on a blob, leaving its other labels alone. */
  async setContentLabels(digest: string, labels: Record<string, string>): Promise<void> {
    const paths = Object.keys(labels).map((k) => `labels.${k}`);
    if (paths.length === 0) return;
    await this.unary(containerdMethod('content', 'Update'), { info: { digest, labels }, updateMask: { paths } });
  }

  /** Points image `name` at `target`, creating the record if needed. */
  async putImage(name: string, target: ContentDescriptor, labels: Record<string, string> = {}): Promise<void> {
    const image = { name, target, labels };
    try {
      await this.unary(containerdMethod('images', 'Update'), { image, updateMask: { paths: ['target'] } });
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      await this.unary(containerdMethod('images', 'Create'), { image });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      await this.unary(containerdMethod('images', 'Update'), { image, updateMask: { paths: ['target'] } });
    }
  }

  /** The image record's target, or undefined when there is no such image. */
  async getImage(name: string): Promise<ContentDescriptor | undefined> {
    try {
      const res = await this.unary<{ image?: { target?: ContentDescriptor } }>(containerdMethod('images', 'Get'), { name });
      return res.image?.target;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private unary<Res>(m: Method<Req, unknown>, req: Req): Promise<Res> {
    return this.conn.unary(m, req, this.callOptions({})) as Promise<Res>;
  }

  private callOptions(opts: CallOptions): CallOptions {
    const metadata: Record<string, string> = { 'containerd-namespace': this.namespace };
    if (this.lease) metadata['containerd-lease'] = this.lease;
    return { ...opts, metadata };
  }
}
