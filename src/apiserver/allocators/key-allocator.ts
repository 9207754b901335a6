/**
 * Allocates unique values (service IPs, node ports) by creating one marker
 * key per value in the store: the store's create-if-absent makes a value
 * unique even across several API servers, and an in-process reservation set
 * keeps concurrent requests of one server from racing on the same candidate.
 */
import { KeyExistsError, KeyNotFoundError, type Store } from '../../storage/store.js';

export interface KeyAllocatorOptions {
  /** Key prefix of the markers, e.g. `/registry/k8ts.io/serviceips/`. */
  prefix: string;
  /** Number of candidate values (indexes 0..size-1). */
  size: number;
  /** Index to value and back. */
  toValue(index: number): string;
  toIndex(value: string): number | undefined;
  /** Indexes never handed out at random (e.g. the kubernetes service IP). */
  reserved?: Set<number>;
}

export class AllocationError extends Error {
  constructor(readonly reason: 'out-of-range' | 'allocated' | 'full', message: string) { super(message); }
}

export class KeyAllocator {
  private readonly pending = new Set<number>();

  constructor(private readonly store: Store, private readonly opts: KeyAllocatorOptions) {}

  /** Claims a specific value for owner; AllocationError when out of range or taken. */
  async allocate(value: string, owner: string): Promise<void> {
    const i = this.opts.toIndex(value);
    if (i === undefined) throw new AllocationError('out-of-range', 'provided IP is not in the valid range');
    if (this.pending.has(i)) throw new AllocationError('allocated', 'provided IP is already allocated');
    this.pending.add(i);
    try {
      await this.store.create(this.opts.prefix + value, Buffer.from(owner));
    } catch (e) {
      if (e instanceof KeyExistsError) throw new AllocationError('allocated', 'provided IP is already allocated');
      throw e;
    } finally {
      this.pending.delete(i);
    }
  }

  /** Claims any free value, probing from a random start. */
  async allocateNext(owner: string): Promise<string> {
    const { size, reserved } = this.opts;
    const start = Math.floor(Math.random() * size);
    for (let n = 0; n < size; n++) {
      const i = (start + n) % size;
      if (reserved?.has(i) || this.pending.has(i)) continue;
      const value = this.opts.toValue(i);
      this.pending.add(i);
      try {
        await this.store.create(this.opts.prefix + value, Buffer.from(owner));
        return value;
      } catch (e) {
        if (!(e instanceof KeyExistsError)) throw e;
      } finally {
        this.pending.delete(i);
      }
    }
    throw new AllocationError('full', 'range is full');
  }

  async release(value: string): Promise<void> {
    try {
      await this.store.delete(this.opts.prefix + value);
    } catch (e) {
      if (!(e instanceof KeyNotFoundError)) throw e;
    }
  }
}
