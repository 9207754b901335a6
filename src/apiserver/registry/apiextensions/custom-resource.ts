/**
 * The strategy of a custom resource, made from its CRD: defaults and
 * validation from the storage version's openAPIV3Schema, status kept apart
 * when the CRD has a status subresource, generation bumped on every change
 * outside metadata and status.
 */
import type { WithMeta } from '../../../api/object.js';
import type { CompiledSchema } from '../../../api/apiextensions/index.js';
import type { NameRule, Strategy } from '../strategy.js';

export interface CustomResourceStrategyOptions {
  /** Compiled schema of the storage version (objects reach the strategy in storage form). */
  schema: CompiledSchema;
  hasStatus: boolean;
}

export function customResourceStrategy(opts: CustomResourceStrategyOptions): Strategy {
  const { schema, hasStatus } = opts;
  const nameRule: NameRule = 'dns1123Subdomain';
  return {
    tracksGeneration: true,
    nameRule,
    defaults: (obj) => schema.applyDefaults(obj as Record<string, unknown>),
    prepareForCreate: (obj) => { if (hasStatus) delete obj.status; },
    prepareForUpdate: (obj, old) => {
      if (!hasStatus) return;
      if (old.status === undefined) delete obj.status; else obj.status = old.status;
    },
    validate: (obj) => schema.validate(obj),
    ...(hasStatus ? {
      status: {
        prepareForUpdate: (obj: WithMeta, old: WithMeta) => {
          for (const k of Object.keys(obj)) if (k !== 'status' && k !== 'metadata') delete obj[k];
          for (const [k, v] of Object.entries(old)) if (k !== 'status' && k !== 'metadata') obj[k] = v;
          obj.metadata = { ...old.metadata, resourceVersion: obj.metadata.resourceVersion };
        },
        validateUpdate: (obj: WithMeta) => schema.validate(obj),
      },
    } : {}),
  };
}
