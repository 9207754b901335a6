/**
 * Subresources with behaviour of their own (scale, binding, eviction) and
 * the create-only review resources. status and finalize are plain updates
 * and stay in the resource handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Binding } from 'kubernetes-types/core/v1.js';
import type { DeleteOptions } from 'kubernetes-types/meta/v1.js';
import type { WithMeta } from '../../api/object.js';
import { deepClone, isPlainObject } from '../../api/object.js';
import { badRequest, methodNotAllowed, notFound, unauthorized, unsupportedMediaType } from '../../api/errors.js';
import type { ResourceRequestInfo } from '../request-info.js';
import type { ApiResources, ServedResource } from '../api-resources.js';
import { authenticateRequest } from '../authn/index.js';
import { decodeBody, readBody } from './body.js';
import { checkDeleteOptions } from './delete-options.js';
import { writeJson, successStatus } from './respond.js';
import { parseDryRun } from './query.js';
import { applyPatch } from './patch.js';
import { scaleOf, withReplicas } from './subresources/scale.js';
import { scaleFromCustomResource, setSpecReplicas } from '../../api/apiextensions/index.js';
import { bindPod } from './subresources/binding.js';
import { evictPod } from './subresources/eviction.js';
import { answerReview } from './subresources/reviews.js';
import type { FieldManager } from '../field-manager.js';
import { assertDecodes } from '../field-validation.js';

const SCALE_DEF = { group: 'autoscaling', version: 'v1', kind: 'Scale' };
const BINDING_DEF = { group: '', version: 'v1', kind: 'Binding' };
const EVICTION_DEF = { group: 'policy', version: 'v1', kind: 'Eviction' };

export class SubresourceHandler {
  constructor(private readonly api: ApiResources, private readonly maxBodyBytes: number, private readonly fields: FieldManager) {}

  private async body(req: IncomingMessage): Promise<{ format: string; value: unknown }> {
    return decodeBody(await readBody(req, this.maxBodyBytes), req.headers['content-type']);
  }

  /** POST to a review resource: answered from the request alone. */
  async review(req: IncomingMessage, res: ServerResponse, served: ServedResource, info: ResourceRequestInfo): Promise<void> {
    if (info.verb !== 'create' || info.name) throw methodNotAllowed(`only create is supported on ${served.def.plural}`);
    const user = authenticateRequest(req);
    if (!user) throw unauthorized();
    const { value } = await this.body(req);
    if (!isPlainObject(value)) throw badRequest('the body of the request must be an object');
    assertDecodes(served.def, value);
    const obj = value as WithMeta;
    obj.metadata ??= {};
    if (info.namespace) obj.metadata.namespace = info.namespace;
    obj.apiVersion = served.def.group ? `${served.def.group}/${served.def.version}` : served.def.version;
    obj.kind = served.def.kind;
    const out = answerReview(served.def.kind, obj, user);
    if (!out) throw notFound({ group: served.def.group, resource: served.def.plural });
    writeJson(res, 201, out);
  }

  async scale(req: IncomingMessage, res: ServerResponse, served: ServedResource, info: ResourceRequestInfo, q: URLSearchParams): Promise<void> {
    const reg = served.registry;
    const crScale = served.scale;
    const view = (o: WithMeta): unknown => (crScale ? scaleFromCustomResource(o, crScale) : scaleOf(o));
    const write = (cur: WithMeta, scale: { spec?: { replicas?: number }; metadata?: { resourceVersion?: string } }): WithMeta => {
      if (!crScale) return withReplicas(cur, scale);
      const next = deepClone(cur);
      setSpecReplicas(next, crScale, scale.spec?.replicas ?? 0);
      if (scale.metadata?.resourceVersion) next.metadata.resourceVersion = scale.metadata.resourceVersion;
      return next;
    };
    if (info.verb === 'get') {
      writeJson(res, 200, view(served.fromStorage(await reg.get(info.namespace, info.name))));
      return;
    }
    const dryRun = parseDryRun(q);
    const track = this.fields.tracker(served.def, this.fields.managerOf(req, q), 'scale');
    const body = await this.body(req);
    if (info.verb === 'update') {
      if (!isPlainObject(body.value)) throw badRequest('the body of the request must be an object');
      assertDecodes(SCALE_DEF, body.value);
      const scale = body.value as { spec?: { replicas?: number }; metadata?: { resourceVersion?: string } };
      const r = await reg.guaranteedUpdate(info.namespace, info.name, (cur) => write(cur, scale), { dryRun, track });
      writeJson(res, 200, view(served.fromStorage(r.object)));
      return;
    }
    if (info.verb === 'patch') {
      if (body.format === 'json' || body.format === 'yaml') throw unsupportedMediaType(req.headers['content-type'] ?? '');
      const r = await reg.guaranteedUpdate(info.namespace, info.name, (cur) => {
        const current = view(served.fromStorage(cur)) as { metadata: { resourceVersion?: string } };
        const rv = current.metadata.resourceVersion;
        const patched = applyPatch({ ...served.def, ...SCALE_DEF }, current as unknown as WithMeta,
          body as Parameters<typeof applyPatch>[2]) as { spec?: { replicas?: number }; metadata?: { resourceVersion?: string } };
        if (!isPlainObject(patched)) throw badRequest('the patch produced something other than an object');
        assertDecodes(SCALE_DEF, patched);
        if (patched.metadata && patched.metadata.resourceVersion === rv) delete patched.metadata.resourceVersion;
        return write(cur, patched);
      }, { dryRun, track });
      writeJson(res, 200, view(served.fromStorage(r.object)));
      return;
    }
    throw methodNotAllowed(`${info.verb} is not supported on ${served.def.plural}/scale`);
  }

  /** pods/<name>/binding, or POST .../bindings with the pod's name in the Binding. */
  async binding(req: IncomingMessage, res: ServerResponse, info: ResourceRequestInfo, q: URLSearchParams): Promise<void> {
    if (info.verb !== 'create') throw methodNotAllowed('only create is supported on bindings');
    const pods = this.api.find('', 'v1', 'pods')!.registry;
    const { value } = await this.body(req);
    if (!isPlainObject(value)) throw badRequest('the body of the request must be an object');
    assertDecodes(BINDING_DEF, value);
    const binding = value as unknown as Binding;
    const name = info.subresource === 'binding' ? info.name : binding.metadata?.name ?? '';
    if (info.subresource === 'binding' && binding.metadata?.name && binding.metadata.name !== name) {
      throw badRequest(`the name of the object (${binding.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (!name) throw badRequest('metadata.name: Required value');
    await pods.guaranteedUpdate(info.namespace, name, (cur) => bindPod(cur, binding), { dryRun: parseDryRun(q), subresource: 'binding' });
    writeJson(res, 201, successStatus(undefined));
  }

  async eviction(req: IncomingMessage, res: ServerResponse, info: ResourceRequestInfo, q: URLSearchParams): Promise<void> {
    if (info.verb !== 'create') throw methodNotAllowed('only create is supported on pods/eviction');
    const { value } = await this.body(req);
    if (!isPlainObject(value)) throw badRequest('the body of the request must be an object');
    assertDecodes(EVICTION_DEF, value);
    const ev = value as { metadata?: { name?: string }; deleteOptions?: DeleteOptions };
    if (ev.metadata?.name && ev.metadata.name !== info.name) {
      throw badRequest(`name in URL does not match name in Eviction object`);
    }
    const pods = this.api.find('', 'v1', 'pods')!.registry;
    const pdbs = this.api.find('policy', 'v1', 'poddisruptionbudgets')!.registry;
    const { dryRun: _d, ...opts } = ev.deleteOptions == null ? {} : checkDeleteOptions(ev.deleteOptions);
    await evictPod(pods, pdbs, info.namespace, info.name, { ...opts, dryRun: parseDryRun(q) || (_d?.includes('All') ?? false) });
    writeJson(res, 201, successStatus(undefined));
  }
}
