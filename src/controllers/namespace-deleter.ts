/**
 * Deletes everything in a terminating namespace, then finalizes it
 * (upstream's pkg/controller/namespace/deletion/namespaced_resources_deleter.go),
 * through the API only:
 * - discovers every namespaced resource (preferred versions) that can be
 *   deleted;
 * - per resource: deletecollection (Background propagation) where supported,
 *   else list + delete each; then lists to see what remains;
 * - remaining objects with finalizers (or pods within their grace period) are
 *   normal: it reports an estimate (ResourcesRemainingError) and the caller
 *   retries later; remaining objects without a reason are an error;
 * - it keeps the Namespace's deletion conditions current;
 * - once nothing remains it removes the `kubernetes` finalizer through
 *   `PUT /api/v1/namespaces/<name>/finalize`; the API server then deletes the
 *   Namespace when no finalizers are left.
 */
import type { Namespace, Pod } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../api/errors.js';
import type { Logger } from '../api/log.js';
import type { RestClient } from '../client/rest-client.js';
import { RESOURCES, resourcePath, type ResourceDescriptor } from '../client/resource.js';
import type { ApiObject } from '../client/api-object.js';
import { serverPreferredResources, type DiscoveryResult, type DiscoveredResource } from '../client/discovery.js';
import { NamespaceConditionUpdater, type ContentTotals } from './namespace-conditions.js';
import { deepClone } from '../api/object.js';

/** The spec.finalizers token this controller owns. */
export const KUBERNETES_FINALIZER = 'kubernetes';

/** Seconds upstream assumes content with finalizers needs to go. */
const FINALIZER_ESTIMATE_SECONDS = 15;

/** Content remains that is expected to go by itself; retry in about `estimate` seconds. */
export class ResourcesRemainingError extends Error {
  constructor(readonly estimate: number) {
    super(`some content remains in the namespace, estimate ${estimate} seconds before it is removed`);
    this.name = 'ResourcesRemainingError';
  }
}

export interface NamespaceDeleterOptions {
  client: RestClient;
  logger?: Logger;
  /** @default serverPreferredResources(client) */
  discover?: () => Promise<DiscoveryResult>;
}

interface GvrResult { estimate: number; remaining: number; finalizers: Map<string, number> }

const isCode = (e: unknown, ...codes: number[]): boolean => e instanceof StatusError && codes.includes(e.code);

/** upstream's GroupVersionResource.String(): `apps/v1, Resource=deployments`. */
function gvrString(r: ResourceDescriptor): string {
  return `${r.group}/${r.version}, Resource=${r.resource}`;
}

export class NamespacedResourcesDeleter {
  private readonly client: RestClient;
  private readonly log: Logger | undefined;
  private readonly discover: () => Promise<DiscoveryResult>;
  /** `<op> <group/version/resource>` known to be unsupported (405/404). */
  private readonly unsupported = new Set<string>();

  constructor(opts: NamespaceDeleterOptions) {
    this.client = opts.client;
    this.log = opts.logger;
    this.discover = opts.discover ?? (() => serverPreferredResources(opts.client));
  }

  /**
   * One pass over namespace `name`. Resolves when there is nothing to do or
   * the namespace was finalized; rejects with ResourcesRemainingError when
   * content is still going away, or with the errors met.
   */
  async delete(name: string): Promise<void> {
    let ns: Namespace;
    try {
      ns = await this.client.get<Namespace>(RESOURCES.namespaces, name);
    } catch (e) {
      if (isCode(e, 404)) return;
      throw e;
    }
    if (!ns.metadata?.deletionTimestamp) return;
    ns = await this.retryOnConflict(ns, (n) => this.markTerminating(n));
    if (!ns.metadata?.deletionTimestamp) return;
    if (!(ns.spec?.finalizers ?? []).includes(KUBERNETES_FINALIZER)) return;
    const { estimate, namespace } = await this.deleteAllContent(ns);
    if (estimate > 0) throw new ResourcesRemainingError(estimate);
    await this.retryOnConflict(namespace, (n) => this.finalize(n));
  }

  private async markTerminating(ns: Namespace): Promise<Namespace> {
    if (!ns.metadata?.deletionTimestamp || ns.status?.phase === 'Terminating') return ns;
    return this.client.updateStatus<Namespace>(RESOURCES.namespaces, { ...ns, status: { ...ns.status, phase: 'Terminating' } });
  }

  /** PUT .../finalize with spec.finalizers minus `kubernetes` (sorted, deduplicated, as upstream). */
  private async finalize(ns: Namespace): Promise<Namespace> {
    const finalizers = [...new Set((ns.spec?.finalizers ?? []).filter((f) => f !== KUBERNETES_FINALIZER))].sort();
    try {
      const out = await this.client.request<Namespace>('PUT', resourcePath(RESOURCES.namespaces, { name: ns.metadata!.name!, subresource: 'finalize' }),
        { body: { ...ns, spec: { ...ns.spec, finalizers } } });
      this.log?.info({ namespace: ns.metadata?.name }, 'namespace finalized');
      return out ?? ns;
    } catch (e) {
      if (isCode(e, 404)) return ns; // removed already
      throw e;
    }
  }

  /** Runs `fn`; on 409 re-reads the namespace and runs it again (the uid must not change). */
  private async retryOnConflict(ns: Namespace, fn: (n: Namespace) => Promise<Namespace>): Promise<Namespace> {
    let latest = ns;
    for (;;) {
      try {
        return await fn(latest);
      } catch (e) {
        if (!isCode(e, 409)) throw e;
      }
      const prev = latest;
      latest = await this.client.get<Namespace>(RESOURCES.namespaces, prev.metadata!.name!);
      if (latest.metadata?.uid !== prev.metadata?.uid) throw new Error('namespace uid has changed across retries');
    }
  }

  /** Deletes the content of every deletable namespaced resource; returns the largest estimate and the (status-updated) namespace. */
  private async deleteAllContent(ns: Namespace): Promise<{ estimate: number; namespace: Namespace }> {
    const name = ns.metadata!.name!;
    const deletedAt = Date.parse(ns.metadata!.deletionTimestamp!);
    const errs: Error[] = [];
    const conditions = new NamespaceConditionUpdater();
    let resources: DiscoveredResource[] = [];
    try {
      const d = await this.discover();
      resources = d.resources;
      if (d.error) {
        errs.push(d.error);
        conditions.processDiscoverResourcesErr(d.error, d.error.groups.size);
      }
      if (d.parseErrors.length) {
        const msg = d.parseErrors.length === 1 ? d.parseErrors[0] : `[${d.parseErrors.join(', ')}]`;
        errs.push(new Error(msg));
        conditions.processGroupVersionErr(msg);
      }
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      errs.push(err);
      conditions.processDiscoverResourcesErr(err);
    }
    const deletable = resources.filter((r) => r.namespaced && r.verbs.includes('list')
      && (r.verbs.includes('delete') || r.verbs.includes('deletecollection')));
    for (const r of deletable) {
      this.seedOpCache(r);
    }

    let estimate = 0;
    const totals: ContentTotals = { remainingByResource: new Map(), remainingByFinalizer: new Map() };
    const results = await Promise.all(deletable.map(async (r) => {
      try {
        return { r, res: await this.deleteAllContentFor(r, name, deletedAt) };
      } catch (e) {
        return { r, err: e instanceof Error ? e : new Error(String(e)), res: (e as { partial?: GvrResult }).partial };
      }
    }));
    for (const { r, res, err } of results) {
      if (err) {
        errs.push(err);
        conditions.processDeleteContentErr(err);
      }
      if (!res) continue;
      estimate = Math.max(estimate, res.estimate);
      if (res.remaining > 0) {
        totals.remainingByResource.set(`${r.resource}.${r.group}`, res.remaining);
        for (const [f, n] of res.finalizers) totals.remainingByFinalizer.set(f, (totals.remainingByFinalizer.get(f) ?? 0) + n);
      }
    }
    conditions.processContentTotals(totals);

    // Always write the conditions: a condition that went from failing to fine must say so.
    let namespace = ns;
    const copy = deepClone(ns);
    if (conditions.update(copy)) {
      try {
        namespace = await this.client.updateStatus<Namespace>(RESOURCES.namespaces, copy);
      } catch (e) {
        this.log?.warn({ namespace: name, err: e instanceof Error ? e.message : String(e) }, `couldn't update status condition for namespace "${name}"`);
      }
    }
    if (errs.length) throw errs.length === 1 ? errs[0] : new AggregateError(errs, `[${errs.map((e) => e.message).join(', ')}]`);
    return { estimate, namespace };
  }

  private seedOpCache(r: DiscoveredResource): void {
    const id = `${r.group}/${r.version}/${r.resource}`;
    if (!r.verbs.includes('deletecollection')) this.unsupported.add(`deletecollection ${id}`);
    if (!r.verbs.includes('list')) this.unsupported.add(`list ${id}`);
  }

  private async deleteAllContentFor(r: ResourceDescriptor, namespace: string, deletedAt: number): Promise<GvrResult> {
    const estimate = await this.estimateGracefulTermination(r, namespace, deletedAt);
    const partial = (err: Error): Error => Object.assign(err, { partial: { estimate, remaining: 0, finalizers: new Map() } });
    try {
      if (!(await this.deleteCollection(r, namespace))) await this.deleteEachItem(r, namespace);
    } catch (e) {
      throw partial(e instanceof Error ? e : new Error(String(e)));
    }
    let items: ApiObject[] | undefined;
    try {
      items = await this.listCollection(r, namespace);
    } catch (e) {
      throw partial(e instanceof Error ? e : new Error(String(e)));
    }
    if (!items || items.length === 0) return { estimate, remaining: 0, finalizers: new Map() };
    const finalizers = new Map<string, number>();
    for (const it of items) for (const f of it.metadata?.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    if (estimate !== 0) return { estimate, remaining: items.length, finalizers };
    if (finalizers.size > 0) return { estimate: FINALIZER_ESTIMATE_SECONDS, remaining: items.length, finalizers };
    const err = new Error(`unexpected items still remain in namespace: ${namespace} for gvr: ${gvrString(r)}`);
    throw Object.assign(err, { partial: { estimate, remaining: items.length, finalizers } });
  }

  /** Pods still running get their grace period: the largest one not yet elapsed since the namespace's deletion. */
  private async estimateGracefulTermination(r: ResourceDescriptor, namespace: string, deletedAt: number): Promise<number> {
    if (r.group !== '' || r.resource !== 'pods') return 0;
    const pods = await this.client.list<Pod>(RESOURCES.pods, { namespace });
    let estimate = 0;
    for (const p of pods.items) {
      const phase = p.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      estimate = Math.max(estimate, p.spec?.terminationGracePeriodSeconds ?? 0);
    }
    return (Date.now() - deletedAt) >= estimate * 1000 ? 0 : estimate;
  }

  /** True when deletecollection ran; false when the resource does not support it. */
  private async deleteCollection(r: ResourceDescriptor, namespace: string): Promise<boolean> {
    const key = `deletecollection ${r.group}/${r.version}/${r.resource}`;
    if (this.unsupported.has(key)) return false;
    try {
      await this.client.deleteCollection(r, { namespace, propagationPolicy: 'Background' });
      return true;
    } catch (e) {
      if (isCode(e, 405, 404)) {
        this.unsupported.add(key);
        return false;
      }
      throw e;
    }
  }

  private async deleteEachItem(r: ResourceDescriptor, namespace: string): Promise<void> {
    const items = await this.listCollection(r, namespace);
    for (const it of items ?? []) {
      try {
        await this.client.delete(r, it.metadata!.name!, { namespace, propagationPolicy: 'Background' });
      } catch (e) {
        if (!isCode(e, 404, 405)) throw e;
      }
    }
  }

  /** The objects left, or undefined when the resource cannot be listed. */
  private async listCollection(r: ResourceDescriptor, namespace: string): Promise<ApiObject[] | undefined> {
    const key = `list ${r.group}/${r.version}/${r.resource}`;
    if (this.unsupported.has(key)) return undefined;
    try {
      return (await this.client.list(r, { namespace })).items;
    } catch (e) {
      if (isCode(e, 405, 404)) {
        this.unsupported.add(key);
        return undefined;
      }
      throw e;
    }
  }
}
