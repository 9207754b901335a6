/**
 * The collector's view of the cluster (upstream's GraphBuilder monitors):
 * one informer per resource that discovery says supports list, watch and
 * delete (events excepted, as upstream), each feeding the graph with the
 * metadata of what it sees. sync() reads discovery again, starts informers
 * for new resources (CRDs) and stops (or detaches from, when shared) those
 * of resources no longer served; a group whose discovery failed keeps its
 * informers and mappings.
 */
import type { ApiObject } from '../../client/api-object.js';
import type { Logger } from '../../api/log.js';
import { serverPreferredResources, type DiscoveredResource, type DiscoveryResult } from '../../client/discovery.js';
import { Informer } from '../../client/informer.js';
import type { InformerFactory } from '../../client/informer-factory.js';
import { apiVersionOf } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';
import type { ObservedObject, OwnerGraph } from './graph.js';
import { isDeletingDependents, isWaitingForOrphaning } from './identity.js';
import { RestMapper } from './rest-mapper.js';
import { waitForInformers } from '../../client/wait-for-informers.js';

/** Group/resource pairs never watched (upstream's DefaultIgnoredResources). */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

export interface MonitorsOptions {
  client: RestClient;
  graph: OwnerGraph;
  logger: Logger;
  /** Shared informers; those it hands out are never stopped here. @default own informers */
  informerFactory?: InformerFactory;
  /** @default serverPreferredResources(client) */
  discover?: () => Promise<DiscoveryResult>;
}

interface Monitor {
  resource: DiscoveredResource;
  informer: Informer;
  detach: () => void;
}

const gvr = (r: DiscoveredResource): string => `${r.group}/${r.version}/${r.resource}`;

export function isMonitorable(r: DiscoveredResource): boolean {
  return ['list', 'watch', 'delete', 'get'].every((v) => r.verbs.includes(v)) && !IGNORED.has(`${r.group}/${r.resource}`);
}

export class Monitors {
  private readonly monitors = new Map<string, Monitor>();
  private resources: DiscoveredResource[] = [];
  private current = new RestMapper([]);
  private stopped = false;

  constructor(private readonly opts: MonitorsOptions) {}

  /** The mapping from the latest discovery. */
  get mapper(): RestMapper { return this.current; }

  /** Resources watched now, as `group/version/resource`. */
  get watched(): string[] { return [...this.monitors.keys()]; }

  /** Reads discovery and adjusts the informers; rejects only when discovery fails outright. */
  async sync(): Promise<{ added: string[]; removed: string[] }> {
    const result = await (this.opts.discover ?? (() => serverPreferredResources(this.opts.client)))();
    if (this.stopped) return { added: [], removed: [] };
    const failedGroups = new Set([...(result.error?.groups.keys() ?? [])].map((gv) => (gv.includes('/') ? gv.split('/')[0]! : '')));
    if (result.error) this.opts.logger.warn({ err: result.error.message }, 'discovery partly failed; keeping what those groups had');
    const found = new Set(result.resources.map((r) => `${r.group}/${r.resource}`));
    const kept = this.resources.filter((r) => failedGroups.has(r.group) && !found.has(`${r.group}/${r.resource}`));
    this.resources = [...result.resources, ...kept];
    this.current = new RestMapper(this.resources);

    const wanted = new Map(this.resources.filter(isMonitorable).map((r) => [gvr(r), r]));
    const added: string[] = [];
    const removed: string[] = [];
    for (const [key, m] of this.monitors) {
      if (wanted.has(key)) continue;
      this.monitors.delete(key);
      removed.push(key);
      m.detach();
      if (!this.opts.informerFactory) await m.informer.stop();
    }
    for (const [key, r] of wanted) {
      if (this.monitors.has(key)) continue;
      this.monitors.set(key, this.startMonitor(r));
      added.push(key);
    }
    return { added, removed };
  }

  /** Resolves true once every informer has listed (false when stopped or `signal` aborted first). */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    return waitForInformers([...this.monitors.values()].map((m) => m.informer), signal);
  }

  /** Detaches from every informer and stops those it made. */
  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.monitors.values()];
    this.monitors.clear();
    for (const m of all) m.detach();
    if (!this.opts.informerFactory) await Promise.all(all.map((m) => m.informer.stop()));
  }

  private startMonitor(r: DiscoveredResource): Monitor {
    const { graph, logger, informerFactory } = this.opts;
    const informer = informerFactory ? informerFactory.forResource(r) : new Informer(this.opts.client, r, { logger });
    const apiVersion = apiVersionOf(r);
    const observed = (o: ApiObject): ObservedObject | undefined => {
      const m = o.metadata;
      if (!m?.uid || !m.name) return undefined;
      return {
        identity: { apiVersion, kind: r.kind, namespace: m.namespace ?? '', name: m.name, uid: m.uid },
        ownerReferences: m.ownerReferences ?? [],
        beingDeleted: !!m.deletionTimestamp,
        deletingDependents: isDeletingDependents(m),
        waitingForOrphaning: isWaitingForOrphaning(m),
      };
    };
    const detach = informer.addEventHandler({
      onAdd: (o) => { const x = observed(o); if (x) graph.observe(x); },
      onUpdate: (_old, o) => { const x = observed(o); if (x) graph.observe(x); },
      onDelete: (o) => { const x = observed(o); if (x) graph.observeDeleted(x); },
    });
    informer.start();
    return { resource: r, informer, detach };
  }
}
