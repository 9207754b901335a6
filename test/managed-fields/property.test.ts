/**
 * Property test: random applies, updates and patches by three managers on
 * small Deployments keep the ownership invariants after every step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyManagedFields, decodeFieldsV1, encodeFieldsV1, FieldSet, pathToString, toFieldSet, updateManagedFields } from '../../src/api/managed-fields/index.js';
import type { FieldPath, ManagedFieldsEntry } from '../../src/api/managed-fields/index.js';
import { StatusError } from '../../src/api/errors.js';
import { base, deployment, types, root } from './fixtures.js';
import type { Container } from './fixtures.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const MANAGERS = ['alice', 'bob', 'carol'];

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomConfig(r: () => number): Obj {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const o: Parameters<typeof deployment>[0] = {};
  if (r() < 0.5) o.replicas = pick([1, 2, 3]);
  const labels: Record<string, string> = {};
  for (const k of ['k1', 'k2', 'k3']) if (r() < 0.4) labels[k] = pick(['v1', 'v2']);
  if (Object.keys(labels).length) o.labels = labels;
  const fins = ['f1', 'f2', 'f3'].filter(() => r() < 0.3);
  if (fins.length) o.finalizers = fins;
  const cs: Container[] = [];
  for (const name of ['c1', 'c2']) {
    if (r() < 0.5) continue;
    const c: Container = { name };
    if (r() < 0.7) c.image = pick(['i1', 'i2']);
    if (r() < 0.3) c.args = pick([['a'], ['b', 'c']]);
    cs.push(c);
  }
  if (cs.length) o.containers = cs;
  return deployment(o);
}

function mutate(obj: Obj, r: () => number): Obj {
  const o = structuredClone(obj);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  o.spec ??= {};
  o.metadata.labels ??= {};
  o.metadata.finalizers ??= [];
  o.spec.template ??= { spec: { containers: [] } };
  const cs: Obj[] = o.spec.template.spec.containers;
  switch (Math.floor(r() * 7)) {
    case 0: o.spec.replicas = pick([1, 2, 3, 4]); break;
    case 1: delete o.spec.replicas; break;
    case 2: o.metadata.labels[pick(['k1', 'k2', 'k3'])] = pick(['v1', 'v3']); break;
    case 3: delete o.metadata.labels[pick(['k1', 'k2', 'k3'])]; break;
    case 4: { const f = pick(['f1', 'f2', 'f3']); if (!o.metadata.finalizers.includes(f)) o.metadata.finalizers.push(f); else o.metadata.finalizers = o.metadata.finalizers.filter((x: string) => x !== f); break; }
    case 5: { const name = pick(['c1', 'c2', 'c3']); const c = cs.find((x) => x.name === name); if (c) c.image = pick(['i1', 'i3']); else cs.push({ name, image: 'i9' }); break; }
    default: { const name = pick(['c1', 'c2', 'c3']); o.spec.template.spec.containers = cs.filter((x) => x.name !== name); }
  }
  // Go omits empty maps and lists; so do we.
  if (Object.keys(o.metadata.labels).length === 0) delete o.metadata.labels;
  if (o.metadata.finalizers.length === 0) delete o.metadata.finalizers;
  if (o.spec.template.spec.containers.length === 0) delete o.spec.template;
  if (Object.keys(o.spec).length === 0) delete o.spec;
  return o;
}

function valueAt(v: unknown, path: FieldPath): unknown {
  for (const pe of path) {
    if (v === undefined || v === null) return undefined;
    if ('field' in pe) v = (v as Obj)[pe.field];
    else if ('key' in pe) v = (v as Obj[]).find((it) => pe.key.every(([k, kv]) => it[k] === kv));
    else if ('value' in pe) v = (v as unknown[]).find((it) => JSON.stringify(it) === JSON.stringify(pe.value));
    else v = (v as unknown[])[pe.index];
  }
  return v;
}

const IDENTITY = new Set(['.apiVersion', '.kind', '.metadata.name', '.metadata.namespace']);

function checkInvariants(obj: Obj, mf: ManagedFieldsEntry[], configs: Map<string, Obj>, step: string): void {
  const sets = mf.map((e) => ({ e, set: decodeFieldsV1(e.fieldsV1) }));
  // (c) every entry round-trips.
  for (const { e, set } of sets) assert.equal(JSON.stringify(encodeFieldsV1(set)), JSON.stringify(e.fieldsV1), `${step}: round trip`);
  const owned = sets.reduce((acc, s) => acc.union(s.set), new FieldSet());
  // (a) every leaf present in the object is owned.
  const { managedFields: _drop, ...meta } = obj.metadata;
  for (const p of toFieldSet({ ...obj, metadata: meta }, types.rootType(root)!).leaves().paths()) {
    if (IDENTITY.has(pathToString(p))) continue;
    const v = valueAt(obj, p);
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    assert.ok(owned.has(p), `${step}: ${pathToString(p)} is not owned\n${JSON.stringify(mf)}`);
  }
  const appliers = sets.filter((s) => s.e.operation === 'Apply');
  for (const a of appliers) {
    const cfg = configs.get(a.e.manager!);
    assert.ok(cfg, `${step}: ${a.e.manager} has an Apply entry without having applied`);
    for (const p of a.set.leaves().paths()) {
      // (d) what an applier owns has its config's value.
      assert.deepEqual(valueAt(obj, p), valueAt(cfg, p), `${step}: ${a.e.manager} owns ${pathToString(p)} with another value`);
      // (b) co-owning appliers agree.
      for (const b of appliers) {
        if (b === a || !b.set.has(p)) continue;
        assert.deepEqual(valueAt(configs.get(b.e.manager!), p), valueAt(cfg, p), `${step}: ${a.e.manager} and ${b.e.manager} disagree on ${pathToString(p)}`);
      }
    }
  }
}

test('random apply/update/patch sequences keep the ownership invariants', () => {
  let steps = 0, conflicts = 0;
  for (let seed = 1; seed <= 150; seed++) {
    const r = rng(seed);
    const configs = new Map<string, Obj>();
    let obj: Obj | undefined;
    let mf: ManagedFieldsEntry[] = [];
    for (let i = 0; i < 25; i++) {
      const manager = MANAGERS[Math.floor(r() * MANAGERS.length)];
      const now = new Date(Date.UTC(2024, 0, 1, 0, 0, seed * 100 + i)).toISOString();
      const op = obj === undefined ? (r() < 0.5 ? 'apply' : 'create') : (['apply', 'apply', 'update', 'patch'] as const)[Math.floor(r() * 4)];
      const step = `seed ${seed} step ${i} ${op} by ${manager}`;
      if (op === 'apply') {
        const cfg = randomConfig(r);
        try {
          const res = applyManagedFields(obj, cfg, { ...base, manager, force: r() < 0.3, now, managedFields: mf });
          obj = res.object; mf = res.managedFields;
          configs.set(manager, cfg);
        } catch (e) {
          assert.ok(e instanceof StatusError && e.code === 409, `${step}: ${String(e)}`);
          conflicts++;
        }
      } else {
        const next = op === 'create' ? randomConfig(r) : mutate(obj!, r);
        const res = updateManagedFields(obj, next, { ...base, manager: `${manager}-${op}`, time: now, managedFields: mf });
        obj = res.object; mf = res.managedFields;
      }
      checkInvariants(obj!, mf, configs, step);
      steps++;
    }
  }
  assert.ok(steps === 150 * 25 && conflicts > 0);
});
