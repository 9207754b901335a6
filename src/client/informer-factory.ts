/**
 * Shared informers: one Informer per resource (and namespace) for every
 * controller in a process, as client-go's SharedInformerFactory, so each
 * resource is listed and watched once.
 */
import type { Logger } from '../api/log.js';
import type { ApiObject } from './api-object.js';
import { Informer, type InformerOptions } from './informer.js';
import type { ResourceDescriptor } from './resource.js';
import type { RestClient } from './rest-client.js';
import { waitForInformers } from './wait-for-informers.js';

export class InformerFactory {
  private readonly informers = new Map<string, Informer>();
  private started = false;

  /** `opts` apply to every informer made here (namespace, backoff, freeze, logger). */
  constructor(private readonly client: RestClient,
    private readonly opts: Omit<InformerOptions, 'labelSelector' | 'fieldSelector'> & { logger?: Logger } = {}) {}

  /** The shared informer of `res`; created on first use, started at once if the factory was. */
  forResource<T extends ApiObject = ApiObject>(res: ResourceDescriptor): Informer<T> {
    const key = `${res.group}/${res.version}/${res.resource}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer(this.client, res, this.opts);
      this.informers.set(key, inf);
      if (this.started) inf.start();
    }
    return inf as unknown as Informer<T>;
  }

  /** Starts every informer made so far and any made later. */
  start(): void {
    this.started = true;
    for (const i of this.informers.values()) i.start();
  }

  /** Resolves true once all informers made so far have synced (false if one stopped or `signal` aborted first). */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    return waitForInformers([...this.informers.values()], signal);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
