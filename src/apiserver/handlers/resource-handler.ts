/**
 * The verbs on resources: get, list, create, update, patch, delete,
 * deletecollection (watch is in watch-handler.ts). Each decodes the request,
 * converts between the served and stored versions, calls the resource's
 * generic store, and encodes the reply in the form the client asked for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeleteOptions } from 'kubernetes-types/meta/v1.js';
import type { WithMeta, KubeObject } from '../../api/object.js';
import { deepClone, isPlainObject } from '../../api/object.js';
import { apiVersionOf, parseApiVersion } from '../../api/resources.js';
import { badRequest, methodNotAllowed, notAcceptable, notFound, StatusError, unsupportedMediaType } from '../../api/errors.js';
import type { ResourceRequestInfo } from '../request-info.js';
import type { ApiResources, ServedResource } from '../api-resources.js';
import { negotiateOutput, wantsYaml, type OutputShape } from '../negotiation.js';
import { decodeBody, readBody, type DecodedBody } from './body.js';
import { checkDeleteOptions } from './delete-options.js';
import { writeJson, writeProtobuf, successStatus } from './respond.js';
import { parseDryRun, parseFieldValidation, parseIntParam, type FieldValidation } from './query.js';
import { buildFilter } from '../selection.js';
import { renderTable } from './table-output.js';
import { applyPatch } from './patch.js';
import { cannotBeHandled } from '../../api/decode/index.js';
import type { FieldValidator } from '../field-validation.js';
import { SubresourceHandler } from './subresource-handler.js';
import { FieldManager } from '../field-manager.js';
import { lookupProtobufKind } from '../../api/protobuf/index.js';

export interface ResourceHandlerOptions {
  maxBodyBytes: number;
  fieldValidator?: FieldValidator;
}

export class ResourceHandler {
  private readonly subresources: SubresourceHandler;
  private readonly fields = new FieldManager();

  constructor(private readonly api: ApiResources, private readonly opts: ResourceHandlerOptions) {
    this.subresources = new SubresourceHandler(api, opts.maxBodyBytes, this.fields);
  }

  resolve(info: ResourceRequestInfo): ServedResource {
    const served = this.api.find(info.group, info.version, info.resource);
    if (!served) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {
        details: { group: info.group, kind: info.resource, causes: [{ reason: 'UnexpectedServerResponse', message: '404 page not found' }] },
      });
    }
    if (served.def.namespaced === false && info.namespace) {
      throw notFound({ group: info.group, resource: info.resource, name: info.name });
    }
    checkPathSegment('Namespace', info.namespace);
    checkPathSegment('Name', info.name);
    return served;
  }

  /** Serves one verb; `served` is what resolve(info) gave, when the caller has it already. */
  async handle(req: IncomingMessage, res: ServerResponse, info: ResourceRequestInfo, query: URLSearchParams,
    served: ServedResource = this.resolve(info)): Promise<void> {
    const sub = info.subresource;
    if (sub && !served.def.subresources.some((s) => s.name === sub)) {
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    // Routes upstream never installs: replacing or patching a whole collection, and
    // creating in or deleting from every namespace at once.
    if ((!info.name && (info.verb === 'update' || info.verb === 'patch'))
      || (served.def.namespaced && !info.namespace && (info.verb === 'create' || info.verb === 'deletecollection'))) {
      throw methodNotAllowed('the server does not allow this method on the requested resource');
    }
    const out = negotiateOutput(req.headers.accept);
    if (!out) throw notAcceptable('only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf');
    // Refused before anything is written: a write must not succeed behind a 406.
    if (out.as === 'protobuf' && !lookupProtobufKind(apiVersionOf(served.def.group, served.def.version), served.def.kind)) {
      throw notAcceptable(`${served.def.kind} has no protobuf form on this server; accept application/json`);
    }
    const yaml = wantsYaml(req.headers.accept);
    if (served.def.ephemeral) return this.subresources.review(req, res, served, info);
    if (sub === 'scale') return this.subresources.scale(req, res, served, info, query);
    if (sub === 'binding' || (served.def.plural === 'bindings' && served.def.group === '')) return this.subresources.binding(req, res, info, query);
    if (sub === 'eviction') return this.subresources.eviction(req, res, info, query);
    if (sub && !['status', 'finalize', 'ephemeralcontainers'].includes(sub)) {
      throw methodNotAllowed(`the subresource ${sub} is not supported yet`);
    }
    switch (info.verb) {
      case 'get': {
        const obj = served.fromStorage(await served.registry.get(info.namespace, info.name));
        return this.respondObject(res, 200, served, obj, out, yaml);
      }
      case 'list': return this.list(res, served, info, query, out, yaml);
      case 'create': return this.create(req, res, served, info, query, out, yaml);
      case 'update': return this.update(req, res, served, info, query, out, yaml);
      case 'patch': return this.patch(req, res, served, info, query, out, yaml);
      case 'delete': return this.delete(req, res, served, info, query, yaml);
      case 'deletecollection': return this.deleteCollection(req, res, served, info, query, yaml);
      default: throw methodNotAllowed(`${info.verb} is not supported on ${info.resource}`);
    }
  }

  respondObject(res: ServerResponse, code: number, served: ServedResource, obj: WithMeta, out: OutputShape, yaml: boolean, headers?: Record<string, string>): void {
    if (out.as === 'Table') {
      writeJson(res, code, renderTable(served, [obj], { resourceVersion: obj.metadata.resourceVersion }), { headers });
    } else if (out.as === 'protobuf') {
      writeProtobuf(res, code, obj, headers);
    } else if (out.as === 'PartialObjectMetadata') {
      writeJson(res, code, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata }, { headers });
    } else {
      writeJson(res, code, obj, { yaml, headers });
    }
  }

  private async list(res: ServerResponse, served: ServedResource, info: ResourceRequestInfo, q: URLSearchParams, out: OutputShape, yaml: boolean): Promise<void> {
    const { filter, filtered } = buildFilter(served, info.namespace, q);
    const limit = parseIntParam(q, 'limit');
    const result = await served.registry.list({
      namespace: info.namespace, filter, filtered,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
      limit, continueToken: q.get('continue') || undefined,
    });
    const listMeta: Record<string, unknown> = { resourceVersion: result.resourceVersion };
    if (result.continueToken) listMeta.continue = result.continueToken;
    if (result.remainingItemCount !== undefined) listMeta.remainingItemCount = result.remainingItemCount;
    const items = result.items.map((o) => served.fromStorage(o));
    if (out.as === 'Table') {
      writeJson(res, 200, renderTable(served, items, listMeta, q.get('includeObject') ?? undefined));
      return;
    }
    if (out.as === 'PartialObjectMetadataList' || out.as === 'PartialObjectMetadata') {
      writeJson(res, 200, {
        kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta,
        items: items.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata })),
      });
      return;
    }
    const apiVersion = apiVersionOf(served.def.group, served.def.version);
    const list = { kind: `${served.def.kind}List`, apiVersion, metadata: listMeta, items: listItems(served, items) };
    if (out.as === 'protobuf') writeProtobuf(res, 200, list);
    else writeJson(res, 200, list, { yaml });
  }

  /** Decodes a whole-object body, checks its apiVersion/kind, and applies field validation. */
  private async readObject(req: IncomingMessage, served: ServedResource, q: URLSearchParams, info: ResourceRequestInfo): Promise<{ obj: WithMeta; warnings: string[] }> {
    const body = decodeBody(await readBody(req, this.opts.maxBodyBytes), req.headers['content-type']);
    if (body.format !== 'json' && body.format !== 'yaml') throw unsupportedMediaType(req.headers['content-type'] ?? '');
    return this.checkObject(body.value, served, q, info);
  }

  private checkObject(value: unknown, served: ServedResource, q: URLSearchParams, info: ResourceRequestInfo): { obj: WithMeta; warnings: string[] } {
    if (!isPlainObject(value)) throw badRequest('the body of the request must be an object');
    const obj = value as WithMeta;
    const expected = apiVersionOf(served.def.group, served.def.version);
    const sub = info.subresource;
    if (obj.apiVersion !== undefined && obj.apiVersion !== expected && !(sub && obj.kind !== served.def.kind)) {
      const gv = parseApiVersion(String(obj.apiVersion));
      if (gv.group !== served.def.group || obj.kind !== served.def.kind) {
        throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`);
      }
    }
    if (obj.kind !== undefined && obj.kind !== served.def.kind) {
      throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${served.def.kind})`);
    }
    const warnings = this.validateFields(served, obj, parseFieldValidation(q));
    if (obj.metadata !== undefined && !isPlainObject(obj.metadata)) throw badRequest('metadata must be an object');
    obj.metadata ??= {};
    obj.apiVersion = expected;
    obj.kind = served.def.kind;
    return { obj, warnings };
  }

  /**
   * A value of the wrong JSON type: a 400 whatever the mode. Unknown fields:
   * a 400 under Strict, a warning under Warn, dropped silently under Ignore.
   */
  private validateFields(served: ServedResource, obj: KubeObject, mode: FieldValidation): string[] {
    const v = this.opts.fieldValidator;
    const decoded = served.checkTypes ? served.checkTypes(obj) : v?.check(served.def, obj);
    if (decoded?.mismatch) throw cannotBeHandled(served.def.kind, served.def.version, decoded.mismatch);
    const pruned = served.prune?.(obj as WithMeta) ?? [];
    const unknown = pruned.length ? [...decoded?.unknown ?? [], ...pruned] : decoded?.unknown ?? [];
    if (unknown.length === 0) return [];
    const msgs = unknown.map((f) => `unknown field "${f}"`);
    if (mode === 'Strict') throw badRequest(`strict decoding error: ${msgs.join(', ')}`);
    return mode === 'Warn' ? msgs : [];
  }

  private async create(req: IncomingMessage, res: ServerResponse, served: ServedResource, info: ResourceRequestInfo, q: URLSearchParams, out: OutputShape, yaml: boolean): Promise<void> {
    if (info.name || info.subresource) throw methodNotAllowed('create is only allowed on the collection');
    const dryRun = parseDryRun(q);
    const { obj, warnings } = await this.readObject(req, served, q, info);
    const track = this.fields.tracker(served.def, this.fields.managerOf(req, q), '');
    const created = await served.registry.create(info.namespace, served.toStorage(obj), { dryRun, track });
    this.respondObject(res, 201, served, served.fromStorage(created), out, yaml, warningHeaders(warnings));
  }

  private async update(req: IncomingMessage, res: ServerResponse, served: ServedResource, info: ResourceRequestInfo, q: URLSearchParams, out: OutputShape, yaml: boolean): Promise<void> {
    const dryRun = parseDryRun(q);
    const { obj, warnings } = await this.readObject(req, served, q, info);
    const desired = served.toStorage(obj);
    const subresource = info.subresource;
    const result = await served.registry.guaranteedUpdate(info.namespace, info.name, () => deepClone(desired),
      { dryRun, subresource, track: this.fields.tracker(served.def, this.fields.managerOf(req, q), subresource) });
    this.respondObject(res, result.created ? 201 : 200, served, served.fromStorage(result.object), out, yaml, warningHeaders(warnings));
  }

  private async patch(req: IncomingMessage, res: ServerResponse, served: ServedResource, info: ResourceRequestInfo, q: URLSearchParams, out: OutputShape, yaml: boolean): Promise<void> {
    const dryRun = parseDryRun(q);
    const mode = parseFieldValidation(q);
    const body: DecodedBody = decodeBody(await readBody(req, this.opts.maxBodyBytes), req.headers['content-type']);
    if (body.format === 'json' || body.format === 'yaml') throw unsupportedMediaType(req.headers['content-type'] ?? '');
    if (body.format === 'apply-patch') return this.apply(req, res, served, info, q, body.value, out, yaml);
    let warnings: string[] = [];
    const track = this.fields.tracker(served.def, this.fields.managerOf(req, q), info.subresource);
    const result = await served.registry.guaranteedUpdate(info.namespace, info.name, (cur) => {
      const current = served.fromStorage(cur);
      const rv = current.metadata.resourceVersion;
      const patched = applyPatch(served.def, current, body) as WithMeta;
      if (!isPlainObject(patched)) throw badRequest('the patch produced something other than an object');
      patched.metadata ??= {};
      // A resourceVersion the patch did not change is not a precondition.
      if (patched.metadata.resourceVersion === rv) delete patched.metadata.resourceVersion;
      const checked = this.checkObject(patched, served, new URLSearchParams({ fieldValidation: mode }), info);
      warnings = checked.warnings;
      return served.toStorage(checked.obj);
    }, { dryRun, subresource: info.subresource, track });
    this.respondObject(res, 200, served, served.fromStorage(result.object), out, yaml, warningHeaders(warnings));
  }

  /**
   * Server-side apply (PATCH application/apply-patch+yaml): merges the
   * manager's configuration into the live object with field ownership, or
   * creates the object when it does not exist (201).
   */
  private async apply(req: IncomingMessage, res: ServerResponse, served: ServedResource, info: ResourceRequestInfo, q: URLSearchParams,
    value: unknown, out: OutputShape, yaml: boolean): Promise<void> {
    const dryRun = parseDryRun(q);
    const manager = this.fields.managerOf(req, q, true);
    const force = q.get('force') === 'true';
    if (!isPlainObject(value)) throw badRequest('the apply configuration must be an object');
    const { obj: config, warnings } = this.checkObject(value, served, q, info);
    if (config.metadata.name !== undefined && config.metadata.name !== info.name) {
      throw badRequest(`the name of the object (${config.metadata.name}) does not match the name on the URL (${info.name})`);
    }
    config.metadata.name = info.name;
    if (served.def.namespaced) config.metadata.namespace = info.namespace;
    const result = await served.registry.guaranteedUpdate(info.namespace, info.name, (cur) => {
      const live = cur === undefined ? undefined : served.fromStorage(cur);
      const applied = this.fields.apply(served.def, live, deepClone(config), { manager, force, subresource: info.subresource });
      if (live) applied.metadata.resourceVersion = undefined;
      return served.toStorage(applied);
    }, { dryRun, subresource: info.subresource, allowCreate: !info.subresource });
    this.respondObject(res, result.created ? 201 : 200, served, served.fromStorage(result.object), out, yaml, warningHeaders(warnings));
  }

  private async deleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<Omit<DeleteOptions, 'dryRun'> & { dryRun: boolean }> {
    const raw = await readBody(req, this.opts.maxBodyBytes);
    let opts: DeleteOptions = {};
    if (raw.length > 0 && raw.toString('utf8').trim() !== '') {
      opts = checkDeleteOptions(decodeBody(raw, req.headers['content-type'] ?? 'application/json').value);
    }
    const grace = parseIntParam(q, 'gracePeriodSeconds');
    if (grace !== undefined) opts.gracePeriodSeconds = grace;
    const pp = q.get('propagationPolicy');
    if (pp) opts.propagationPolicy = pp;
    if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)) {
      throw badRequest(`propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
    }
    const dryRun = parseDryRun(q) || (opts.dryRun?.includes('All') ?? false);
    const { dryRun: _ignored, ...rest } = opts;
    return { ...rest, dryRun };
  }

  private async delete(req: IncomingMessage, res: ServerResponse, served: ServedResource, info: ResourceRequestInfo, q: URLSearchParams, yaml: boolean): Promise<void> {
    if (info.subresource) throw methodNotAllowed('delete is not allowed on a subresource');
    const opts = await this.deleteOptions(req, q);
    const r = await served.registry.delete(info.namespace, info.name, opts);
    if (r.deleted) {
      writeJson(res, 200, successStatus({
        name: info.name, ...(served.def.group ? { group: served.def.group } : {}), kind: served.def.plural,
        uid: r.object.metadata.uid,
      }), { yaml });
    } else {
      writeJson(res, 200, served.fromStorage(r.object), { yaml });
    }
  }

  private async deleteCollection(req: IncomingMessage, res: ServerResponse, served: ServedResource, info: ResourceRequestInfo, q: URLSearchParams, yaml: boolean): Promise<void> {
    if (!served.def.verbs.includes('deletecollection')) throw methodNotAllowed(`deletecollection is not supported on ${served.def.plural}`);
    const opts = await this.deleteOptions(req, q);
    const { filter, filtered } = buildFilter(served, info.namespace, q);
    const listed = await served.registry.list({ namespace: info.namespace, filter, filtered });
    const deleted: WithMeta[] = [];
    for (const o of listed.items) {
      try {
        const r = await served.registry.delete(o.metadata.namespace ?? '', o.metadata.name!, opts);
        deleted.push(served.fromStorage(r.object));
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
    writeJson(res, 200, {
      kind: `${served.def.kind}List`, apiVersion: apiVersionOf(served.def.group, served.def.version),
      metadata: { resourceVersion: listed.resourceVersion }, items: listItems(served, deleted),
    }, { yaml });
  }
}

/**
 * The items of a list as upstream serves them: built-in kinds without
 * apiVersion and kind (the list carries them), custom resources with. The
 * objects may be the watch cache's, so they are copied, never changed.
 */
function listItems(served: ServedResource, items: WithMeta[]): WithMeta[] {
  if (served.prune) return items;
  return items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest as WithMeta);
}

/**
 * A namespace or name from the path must be usable as one segment of a
 * storage key: upstream's key functions refuse '.', '..' and anything with
 * '/' or '%' (path.IsValidPathSegmentName) with a 400.
 */
function checkPathSegment(what: 'Namespace' | 'Name', value: string): void {
  if (value === '') return;
  const problems = value === '.' || value === '..' ? [`may not be '${value}'`]
    : ['/', '%'].filter((c) => value.includes(c)).map((c) => `may not contain '${c}'`);
  if (problems.length > 0) throw badRequest(`${what} parameter invalid: ${JSON.stringify(value)}: ${problems.join(';')}`);
}

function warningHeaders(warnings: string[]): Record<string, string> | undefined {
  if (warnings.length === 0) return undefined;
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}
