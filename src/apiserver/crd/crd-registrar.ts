/**
 * Serves the custom resources that CustomResourceDefinitions declare, inside
 * the API server as upstream's apiextensions-apiserver does: on every CRD
 * change it (re)registers the served versions (discovery, OpenAPI, REST,
 * watch cache), accepts the names and sets Established; when a CRD is being
 * deleted it deletes every custom resource, then lets the CRD go.
 */
import type { Logger } from '../../api/log.js';
import type { WithMeta } from '../../api/object.js';
import { deepClone } from '../../api/object.js';
import { apiVersionOf } from '../../api/resources.js';
import { StatusError } from '../../api/errors.js';
import type { CompiledSchema, CustomResourceDefinition } from '../../api/apiextensions/index.js';
import type { Schema } from '../../api/openapi/schema.js';
import type { ApiResources } from '../api-resources.js';
import type { WatchCache } from '../watch/watch-cache.js';
import type { OpenApiService } from '../openapi/index.js';
import { customDefinitionName } from '../openapi/naming.js';
import { customResourceStrategy } from '../registry/apiextensions/custom-resource.js';
import type { GenericStore } from '../registry/generic-store.js';
import { nowRfc3339Seconds } from '../../api/time.js';
import { servedVersions } from './served-versions.js';

export const CRD_PREFIX = '/registry/apiextensions.k8s.io/customresourcedefinitions/';
export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

type Crd = WithMeta & CustomResourceDefinition;

export class CrdRegistrar {
  private readonly compiled = new Map<string, CompiledSchema>();
  /** CRD name -> what it serves now (group, plural, OpenAPI schemas). */
  private readonly serving = new Map<string, { group: string; plural: string; schemas: Record<string, Schema> }>();
  private readonly queue = new Set<string>();
  private running = false;
  private stopped = false;
  private unsubscribe?: () => void;

  constructor(private readonly api: ApiResources, private readonly cache: WatchCache,
    private readonly openapi: OpenApiService, private readonly log: Logger) {}

  private crds(): GenericStore {
    return this.api.registryFor('apiextensions.k8s.io', 'customresourcedefinitions')!;
  }

  /** Serves every existing CRD, then follows changes. */
  async start(): Promise<void> {
    const rc = this.cache.resource(CRD_PREFIX);
    if (!rc) return;
    for (const crd of rc.snapshot(CRD_PREFIX)) this.queue.add(crd.metadata.name!);
    this.unsubscribe = rc.subscribe((ev) => this.enqueue(ev.object.metadata.name!));
    await this.drain();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
  }

  /** Resolves once every queued CRD has been reconciled (tests and startup). */
  async idle(): Promise<void> {
    while (this.running || this.queue.size) await new Promise((r) => setTimeout(r, 5));
  }

  private enqueue(name: string): void {
    this.queue.add(name);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.size && !this.stopped) {
        const name = this.queue.values().next().value as string;
        this.queue.delete(name);
        try {
          await this.reconcile(name);
        } catch (e) {
          this.log.error({ err: e, crd: name }, 'reconciling CustomResourceDefinition failed; retrying');
          setTimeout(() => this.enqueue(name), 1000).unref();
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async reconcile(name: string): Promise<void> {
    let crd: Crd;
    try {
      crd = await this.crds().get('', name) as Crd;
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) { this.stopServing(name); return; }
      throw e;
    }
    if (crd.metadata.deletionTimestamp) { await this.cleanUp(crd); return; }
    if (!crd.metadata.finalizers?.includes(CLEANUP_FINALIZER)) {
      await this.crds().guaranteedUpdate('', name, (cur) => {
        const next = deepClone(cur);
        next.metadata.finalizers = [...(next.metadata.finalizers ?? []), CLEANUP_FINALIZER];
        return next;
      });
      return; // the update comes back as an event
    }
    const versions = servedVersions(crd, this.compiled);
    const storageName = crd.spec.versions.find((v) => v.storage)?.name;
    const storageSchema = versions.find((v) => v.def.version === storageName)?.schema ?? versions[0]?.schema;
    const hasStatus = crd.spec.versions.some((v) => v.storage && v.subresources?.status);
    const prev = this.serving.get(name);
    if (prev && (prev.group !== crd.spec.group || prev.plural !== crd.spec.names.plural)) this.stopServing(name);
    this.api.unregister(crd.spec.group, crd.spec.names.plural);
    if (storageSchema && versions.length) {
      const strategy = customResourceStrategy({ schema: storageSchema, hasStatus });
      const stored = versions[0].def;
      await this.cache.addResource(stored.storage.prefix, { apiVersion: apiVersionOf(stored.group, stored.storage.version), kind: stored.kind });
      const schemas: Record<string, Schema> = {};
      for (const v of versions) {
        this.api.register({
          def: v.def, strategy,
          checkTypes: (obj) => v.schema.checkTypes(obj, v.def.kind),
          prune: (obj) => v.schema.prune(obj as Record<string, unknown>),
          table: v.table,
          ...(v.version.subresources?.scale ? { scale: v.version.subresources.scale } : {}),
        });
        schemas[customDefinitionName(v.def.group, v.def.version, v.def.kind)] =
          v.schema.toOpenApiSchema({ group: v.def.group, version: v.def.version, kind: v.def.kind }) as Schema;
      }
      this.serving.set(name, { group: crd.spec.group, plural: crd.spec.names.plural, schemas });
    }
    this.publish();
    await this.establish(crd);
  }

  private publish(): void {
    const schemas: Record<string, Schema> = {};
    for (const s of this.serving.values()) Object.assign(schemas, s.schemas);
    this.openapi.setResources(this.api.defs(), schemas);
  }

  private stopServing(name: string): void {
    const s = this.serving.get(name);
    if (!s) return;
    this.api.unregister(s.group, s.plural);
    this.serving.delete(name);
    this.publish();
  }

  /** Names accepted and Established=True, as upstream's naming and establishing controllers set them. */
  private async establish(crd: Crd): Promise<void> {
    const storage = crd.spec.versions.find((v) => v.storage)?.name;
    const want = (status: Crd['status']): boolean => {
      const cond = (t: string) => status?.conditions?.find((c) => c.type === t)?.status === 'True';
      return cond('NamesAccepted') && cond('Established')
        && JSON.stringify(status?.acceptedNames) === JSON.stringify(crd.spec.names)
        && (!storage || (status?.storedVersions ?? []).includes(storage));
    };
    if (want(crd.status)) return;
    await this.crds().guaranteedUpdate('', crd.metadata.name!, (cur) => {
      const next = deepClone(cur) as Crd;
      const now = nowRfc3339Seconds();
      const status = (next.status ??= { acceptedNames: { plural: '', kind: '' }, conditions: [], storedVersions: [] } as NonNullable<Crd['status']>);
      status.acceptedNames = deepClone(next.spec.names);
      const set = (type: string, reason: string, message: string): void => {
        const conds = (status.conditions ??= []);
        const i = conds.findIndex((c) => c.type === type);
        const c = { type, status: 'True', reason, message, lastTransitionTime: now };
        if (i < 0) conds.push(c);
        else if (conds[i].status !== 'True') conds[i] = c;
      };
      set('NamesAccepted', 'NoConflicts', 'no conflicts found');
      set('Established', 'InitialNamesAccepted', 'the initial names have been accepted');
      if (storage && !(status.storedVersions ?? []).includes(storage)) status.storedVersions = [...(status.storedVersions ?? []), storage];
      return next;
    }, { subresource: 'status' });
  }

  /** Deletes every custom resource of a CRD being deleted, then removes the cleanup finalizer. */
  private async cleanUp(crd: Crd): Promise<void> {
    const versions = servedVersions(crd, this.compiled);
    const served = versions.length ? this.api.find(versions[0].def.group, versions[0].def.version, versions[0].def.plural) : undefined;
    if (served) {
      const left = await served.registry.list({ namespace: '', filtered: false });
      for (const o of left.items) {
        try {
          await served.registry.delete(o.metadata.namespace ?? '', o.metadata.name!, {});
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        }
      }
      const remaining = await served.registry.list({ namespace: '', filtered: false });
      if (remaining.items.length) {
        setTimeout(() => this.enqueue(crd.metadata.name!), 1000).unref();
        return;
      }
    }
    this.stopServing(crd.metadata.name!);
    await this.crds().guaranteedUpdate('', crd.metadata.name!, (cur) => {
      const next = deepClone(cur);
      next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
      return next;
    });
  }
}
