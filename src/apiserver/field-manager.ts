/**
 * Field management on the write path: every create, update and patch records
 * which manager set which fields (metadata.managedFields, operation Update),
 * and server-side apply merges a manager's configuration with ownership and
 * conflicts (operation Apply). The algorithms live in api/managed-fields;
 * this file picks the manager name, the types and the version.
 */
import type { IncomingMessage } from 'node:http';
import type { WithMeta } from '../api/object.js';
import type { ResourceDef } from '../api/resources.js';
import { apiVersionOf } from '../api/resources.js';
import { badRequest } from '../api/errors.js';
import { getDefinitions } from '../api/openapi/index.js';
import {
  applyManagedFields, deducedTypes, openApiTypes, updateManagedFields, type TypeResolver,
} from '../api/managed-fields/index.js';
import { kindDefinition } from './kind-definitions.js';
import { nowRfc3339Seconds } from '../api/time.js';

/** Called by the generic store once defaults are applied: sets obj.metadata.managedFields. */
export type FieldTracker = (obj: WithMeta, old: WithMeta | undefined) => void;

const MAX_MANAGER_LENGTH = 128;

export class FieldManager {
  private builtin?: TypeResolver;

  private typesFor(def: ResourceDef): { types: TypeResolver; root: string } {
    const root = kindDefinition(def);
    if (!root) return { types: deducedTypes, root: `${def.group}.${def.version}.${def.kind}` };
    this.builtin ??= openApiTypes(getDefinitions());
    return { types: this.builtin, root };
  }

  /**
   * The manager of a request: the fieldManager parameter, else the user
   * agent up to its first '/', as upstream derives it ("kubectl", "helm").
   */
  managerOf(req: IncomingMessage, q: URLSearchParams, required = false): string {
    const given = q.get('fieldManager');
    if (given !== null && given !== '') {
      if (given.length > MAX_MANAGER_LENGTH) {
        throw badRequest(`fieldManager: Too long: may not be more than ${MAX_MANAGER_LENGTH} bytes`);
      }
      if (!/^[\x20-\x7e]+$/.test(given)) throw badRequest(`fieldManager: Invalid value: ${JSON.stringify(given)}: must be printable`);
      return given;
    }
    if (required) {
      throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    }
    const ua = String(req.headers['user-agent'] ?? 'unknown');
    return ua.split('/')[0].slice(0, MAX_MANAGER_LENGTH) || 'unknown';
  }

  /** A tracker recording an Update by manager through the given subresource. */
  tracker(def: ResourceDef, manager: string, subresource: string): FieldTracker {
    const { types, root } = this.typesFor(def);
    return (obj, old) => {
      const r = updateManagedFields(old, obj, {
        manager, apiVersion: apiVersionOf(def.group, def.version), types, root,
        time: nowRfc3339Seconds(), managedFields: old?.metadata.managedFields,
        ...(subresource ? { subresource } : {}),
      });
      setManagedFields(obj, r.managedFields);
    };
  }

  /** Server-side apply of config over live (undefined: create). Throws 409 on conflicts unless force. */
  apply(def: ResourceDef, live: WithMeta | undefined, config: WithMeta, opts: { manager: string; force: boolean; subresource?: string }): WithMeta {
    const { types, root } = this.typesFor(def);
    const r = applyManagedFields(live, config, {
      manager: opts.manager, force: opts.force, apiVersion: apiVersionOf(def.group, def.version), types, root,
      now: new Date(), managedFields: live?.metadata.managedFields,
      ...(opts.subresource ? { subresource: opts.subresource } : {}),
    });
    const obj = r.object as WithMeta;
    setManagedFields(obj, r.managedFields);
    return obj;
  }
}

function setManagedFields(obj: WithMeta, entries: WithMeta['metadata']['managedFields']): void {
  obj.metadata ??= {};
  if (entries && entries.length) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}
