/**
 * Stages from a file: YAML or JSON holding a list of stages, an object with
 * `stages: [...]`, or one document per stage (a bare stage, or kwok-style
 * `kind: Stage` with `metadata.name` and `spec`). Every stage is checked
 * before any is used.
 */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import type { Stage } from './stage.js';
import { parseFieldPath } from './field-path.js';
import { templateVariables } from './template.js';

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);
const POD_VARIABLES = new Set(['now', 'podIP', 'hostIP', 'nodeName', 'containerNames']);
const CONTAINER_VARIABLES = new Set([...POD_VARIABLES, 'container.name', 'container.image', 'container.id', 'container.startedAt']);

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Throws an Error naming the stage and the field when `stage` is malformed. */
export function validateStage(stage: unknown, where: string): Stage {
  if (!isObj(stage)) throw new Error(`${where}: a stage must be an object`);
  const name = stage['name'];
  if (typeof name !== 'string' || !name) throw new Error(`${where}: name is required`);
  const at = `${where} (${name})`;
  const sel = stage['selector'];
  if (sel !== undefined) {
    if (!isObj(sel)) throw new Error(`${at}: selector must be an object`);
    for (const f of ['matchLabels', 'matchAnnotations'] as const) {
      const m = sel[f];
      if (m !== undefined && (!isObj(m) || Object.values(m).some((v) => typeof v !== 'string'))) throw new Error(`${at}: selector.${f} must map strings to strings`);
    }
    const exprs = sel['matchExpressions'];
    if (exprs !== undefined) {
      if (!Array.isArray(exprs)) throw new Error(`${at}: selector.matchExpressions must be a list`);
      exprs.forEach((e: unknown, i) => {
        const p = `${at}: selector.matchExpressions[${i}]`;
        if (!isObj(e) || typeof e['key'] !== 'string') throw new Error(`${p}.key is required`);
        try { parseFieldPath(e['key']); } catch (err) { throw new Error(`${p}.key: ${(err as Error).message}`); }
        if (typeof e['operator'] !== 'string' || !OPERATORS.has(e['operator'])) throw new Error(`${p}.operator must be one of In, NotIn, Exists, DoesNotExist`);
        const values = e['values'];
        if (values !== undefined && (!Array.isArray(values) || values.some((v) => typeof v !== 'string'))) throw new Error(`${p}.values must be a list of strings`);
        if ((e['operator'] === 'In' || e['operator'] === 'NotIn') && !(values as unknown[] | undefined)?.length) throw new Error(`${p}.values is required for ${e['operator']}`);
      });
    }
  }
  const delay = stage['delay'];
  if (delay !== undefined) {
    if (!isObj(delay)) throw new Error(`${at}: delay must be an object`);
    for (const f of ['durationMilliseconds', 'jitterDurationMilliseconds']) {
      const v = delay[f];
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) throw new Error(`${at}: delay.${f} must be a non-negative number`);
    }
  }
  const next = stage['next'];
  if (!isObj(next)) throw new Error(`${at}: next is required`);
  if (next['delete'] !== undefined && typeof next['delete'] !== 'boolean') throw new Error(`${at}: next.delete must be a boolean`);
  const parts = ['status', 'containerStatus', 'initContainerStatus'].filter((f) => next[f] !== undefined);
  if (next['delete'] && parts.length) throw new Error(`${at}: next.delete excludes next.${parts.join(', next.')}`);
  if (!next['delete'] && !parts.length) throw new Error(`${at}: next needs delete, status, containerStatus or initContainerStatus`);
  for (const f of parts) {
    if (!isObj(next[f])) throw new Error(`${at}: next.${f} must be an object`);
    const allowed = f === 'status' ? POD_VARIABLES : CONTAINER_VARIABLES;
    for (const v of templateVariables(next[f])) {
      if (!allowed.has(v)) throw new Error(`${at}: next.${f} uses unknown variable {{ ${v} }} (known: ${[...allowed].join(', ')})`);
    }
  }
  return stage as unknown as Stage;
}

/** Parses stages from YAML or JSON text; `source` names it in errors. */
export function parseStages(text: string, source = 'stages'): Stage[] {
  const docs = parseAllDocuments(text);
  const raw: unknown[] = [];
  for (const d of docs) {
    if (d.errors.length) throw new Error(`${source}: ${d.errors[0]!.message}`);
    const v: unknown = d.toJS();
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) raw.push(...v);
    else if (isObj(v) && Array.isArray(v['stages'])) raw.push(...v['stages']);
    else raw.push(v);
  }
  const stages = raw.map((s, i) => {
    const flat = isObj(s) && s['kind'] === 'Stage' && isObj(s['spec'])
      ? { name: isObj(s['metadata']) ? s['metadata']['name'] : undefined, ...s['spec'] } : s;
    return validateStage(flat, `${source}: stage ${i}`);
  });
  if (!stages.length) throw new Error(`${source}: no stages`);
  const seen = new Set<string>();
  for (const s of stages) {
    if (seen.has(s.name)) throw new Error(`${source}: duplicate stage name ${JSON.stringify(s.name)}`);
    seen.add(s.name);
  }
  return stages;
}

export async function loadStages(path: string): Promise<Stage[]> {
  return parseStages(await readFile(path, 'utf8'), path);
}
