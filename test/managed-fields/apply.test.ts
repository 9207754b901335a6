import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyManagedFields, updateManagedFields, LAST_APPLIED_ANNOTATION } from '../../src/api/managed-fields/index.js';
import type { ManagedFieldsEntry } from '../../src/api/managed-fields/index.js';
import { StatusError } from '../../src/api/errors.js';
import { base, deployment } from './fixtures.js';

const T1 = '2024-01-01T00:00:00Z', T2 = '2024-01-02T00:00:00Z', T3 = '2024-01-03T00:00:00Z';
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function apply(live: object | undefined, config: object, manager: string, mf: ManagedFieldsEntry[] | undefined, force = false, now = T2) {
  return applyManagedFields(live, config, { ...base, manager, force, now, managedFields: mf });
}
function update(old: object | undefined, nu: object, manager: string, mf: ManagedFieldsEntry[] | undefined, time = T1, subresource?: string) {
  return updateManagedFields(old, nu, { ...base, manager, time, managedFields: mf, ...(subresource ? { subresource } : {}) });
}
function entry(mf: ManagedFieldsEntry[], manager: string): ManagedFieldsEntry | undefined {
  return mf.find((e) => e.manager === manager);
}

test('golden: kubectl create of a Deployment records an Update entry like upstream', () => {
  const d = deployment({ replicas: 2, labels: { app: 'web' }, containers: [{ name: 'app', image: 'nginx' }] });
  const r = update(undefined, d, 'kubectl-create', undefined, '2024-01-01T00:00:00.999Z');
  assert.deepEqual(r.managedFields, [{
    manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: T1, fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': {
        'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
    },
  }]);
  assert.deepEqual((r.object as Obj).metadata.managedFields, r.managedFields);
});

test('apply creates, records exactly its config, and a no-op re-apply keeps the time', () => {
  const cfg = deployment({ replicas: 1, labels: { a: '1' } });
  const r1 = apply(undefined, cfg, 'mgr', undefined);
  assert.equal((r1.object as Obj).spec.replicas, 1);
  assert.deepEqual(r1.managedFields, [{ manager: 'mgr', operation: 'Apply', apiVersion: 'apps/v1', time: T2, fieldsType: 'FieldsV1',
    fieldsV1: { 'f:metadata': { 'f:labels': { 'f:a': {} } }, 'f:spec': { 'f:replicas': {} } } }]);
  const r2 = apply(r1.object, cfg, 'mgr', r1.managedFields, false, T3);
  assert.equal(r2.changed, false);
  assert.equal(r2.managedFields[0].time, T2);
});

test('apply removes a field the applier owned alone and no longer sends', () => {
  const r1 = apply(undefined, deployment({ replicas: 1, labels: { a: '1', b: '2' } }), 'mgr', undefined);
  const r2 = apply(r1.object, deployment({ labels: { a: '1' } }), 'mgr', r1.managedFields);
  assert.deepEqual((r2.object as Obj).metadata.labels, { a: '1' });
  assert.equal((r2.object as Obj).spec?.replicas, undefined);
});

test('a field shared with another applier is kept when one applier drops it', () => {
  const r1 = apply(undefined, deployment({ replicas: 1 }), 'a', undefined);
  const r2 = apply(r1.object, deployment({ replicas: 1 }), 'b', r1.managedFields);
  assert.equal(r2.managedFields.length, 2);
  const r3 = apply(r2.object, deployment({}), 'a', r2.managedFields);
  assert.equal((r3.object as Obj).spec.replicas, 1);
  assert.equal(entry(r3.managedFields, 'a'), undefined);
  assert.deepEqual(entry(r3.managedFields, 'b')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
});

test('conflict: 409 with upstream message and causes; force takes ownership', () => {
  const c = update(undefined, deployment({ replicas: 1 }), 'kubectl-client-side-apply', undefined);
  const err = (() => { try { apply(c.object, deployment({ replicas: 3 }), 'mgr', c.managedFields); } catch (e) { return e; } })();
  assert.ok(err instanceof StatusError);
  assert.equal(err.code, 409);
  assert.equal(err.reason, 'Conflict');
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
  assert.deepEqual(err.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }]);
  const f = apply(c.object, deployment({ replicas: 3 }), 'mgr', c.managedFields, true);
  assert.equal((f.object as Obj).spec.replicas, 3);
  assert.equal(entry(f.managedFields, 'kubectl-client-side-apply'), undefined);
  assert.deepEqual(entry(f.managedFields, 'mgr')?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
});

test('several conflicts: plural message grouped by sorted manager', () => {
  const a = apply(undefined, deployment({ replicas: 1, labels: { x: '1' } }), 'zeta', undefined);
  const b = apply(a.object, deployment({ labels: { y: '1' } }), 'alpha', a.managedFields);
  try {
    apply(b.object, deployment({ replicas: 2, labels: { x: '2', y: '2' } }), 'mgr', b.managedFields);
    assert.fail('expected conflict');
  } catch (e) {
    assert.ok(e instanceof StatusError);
    assert.equal(e.message, 'Apply failed with 3 conflicts: conflicts with "alpha":\n- .metadata.labels.y\nconflicts with "zeta":\n- .metadata.labels.x\n- .spec.replicas');
    assert.deepEqual(e.details?.causes?.map((c) => c.field), ['.metadata.labels.y', '.metadata.labels.x', '.spec.replicas']);
    assert.equal(e.details?.causes?.[0].message, 'conflict with "alpha"');
  }
});

test('same value is shared ownership, not a conflict', () => {
  const a = apply(undefined, deployment({ replicas: 1 }), 'a', undefined);
  const b = apply(a.object, deployment({ replicas: 1 }), 'b', a.managedFields);
  assert.deepEqual(b.managedFields.map((e) => e.manager).sort(), ['a', 'b']);
});

test('keyed list: an item the applier alone owned is removed; others\' items stay', () => {
  const a = apply(undefined, deployment({ containers: [{ name: 'app', image: 'i1' }, { name: 'side', image: 's1' }] }), 'a', undefined);
  const b = apply(a.object, deployment({ containers: [{ name: 'other', image: 'o' }] }), 'b', a.managedFields);
  const c = apply(b.object, deployment({ containers: [{ name: 'app', image: 'i1' }] }), 'a', b.managedFields);
  assert.deepEqual((c.object as Obj).spec.template.spec.containers.map((x: Obj) => x.name), ['app', 'other']);
});

test('set list (finalizers) unions across appliers and prunes own items', () => {
  const a = apply(undefined, deployment({ finalizers: ['x', 'y'] }), 'a', undefined);
  const b = apply(a.object, deployment({ finalizers: ['z'] }), 'b', a.managedFields);
  assert.deepEqual((b.object as Obj).metadata.finalizers, ['x', 'y', 'z']);
  const c = apply(b.object, deployment({ finalizers: ['x'] }), 'a', b.managedFields);
  assert.deepEqual((c.object as Obj).metadata.finalizers, ['x', 'z']);
  assert.deepEqual(entry(c.managedFields, 'a')?.fieldsV1, { 'f:metadata': { 'f:finalizers': { 'v:"x"': {} } } });
});

test('atomic list (container args) is replaced whole and conflicts as one field', () => {
  const a = apply(undefined, deployment({ containers: [{ name: 'app', args: ['1', '2'] }] }), 'a', undefined);
  assert.deepEqual(entry(a.managedFields, 'a')?.fieldsV1, { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:args': {}, 'f:name': {} } } } } } });
  assert.throws(() => apply(a.object, deployment({ containers: [{ name: 'app', args: ['3'] }] }), 'b', a.managedFields),
    (e: unknown) => e instanceof StatusError && e.message.endsWith('.spec.template.spec.containers[name="app"].args'));
  const f = apply(a.object, deployment({ containers: [{ name: 'app', args: ['3'] }] }), 'b', a.managedFields, true);
  assert.deepEqual((f.object as Obj).spec.template.spec.containers[0].args, ['3']);
});

test('Update takes changed fields from others and drops emptied entries', () => {
  const a = apply(undefined, deployment({ replicas: 1 }), 'a', undefined);
  const nu = structuredClone(a.object) as Obj;
  nu.spec.replicas = 5;
  const u = update(a.object, nu, 'hpa', a.managedFields, T3);
  assert.deepEqual(u.managedFields, [{ manager: 'hpa', operation: 'Update', apiVersion: 'apps/v1', time: T3, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }]);
});

test('status subresource writes get subresource on the entry; status is ignored on main-resource writes', () => {
  const d = deployment({ replicas: 1 });
  const c = update(undefined, d, 'creator', undefined);
  const s = structuredClone(c.object) as Obj;
  s.status = { replicas: 1 };
  const u = update(c.object, s, 'controller', c.managedFields, T2, 'status');
  const e = entry(u.managedFields, 'controller');
  assert.equal(e?.subresource, 'status');
  assert.deepEqual(e?.fieldsV1, { 'f:status': { 'f:replicas': {} } });
  const m = structuredClone(u.object) as Obj;
  m.status = { replicas: 9 };
  const u2 = update(u.object, m, 'other', u.managedFields, T3);
  assert.equal(entry(u2.managedFields, 'other'), undefined);
  assert.ok(entry(u2.managedFields, 'controller'));
});

test('at most 10 Update managers; the oldest merge into ancient-changes', () => {
  let obj: object = update(undefined, deployment({ labels: { l0: 'v' } }), 'm0', undefined, '2024-01-01T00:00:00Z').object;
  let mf = (obj as Obj).metadata.managedFields as ManagedFieldsEntry[];
  for (let i = 1; i <= 11; i++) {
    const nu = structuredClone(obj) as Obj;
    nu.metadata.labels[`l${i}`] = 'v';
    const r = update(obj, nu, `m${i}`, mf, `2024-01-01T00:00:${String(i).padStart(2, '0')}Z`);
    obj = r.object; mf = r.managedFields;
  }
  assert.equal(mf.length, 10);
  const anc = entry(mf, 'ancient-changes');
  assert.deepEqual(anc?.fieldsV1, { 'f:metadata': { 'f:labels': { '.': {}, 'f:l0': {}, 'f:l1': {}, 'f:l2': {} } } });
  assert.equal(anc?.time, '2024-01-01T00:00:02Z');
  assert.deepEqual(mf.map((e) => e.manager), ['ancient-changes', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10', 'm11']);
});

test('entries sort Apply first, then by time, manager', () => {
  const u = update(undefined, deployment({ labels: { a: '1' } }), 'zz', undefined, T1);
  const a = apply(u.object, deployment({ replicas: 1 }), 'aa', u.managedFields, false, T3);
  assert.deepEqual(a.managedFields.map((e) => `${e.operation}/${e.manager}`), ['Apply/aa', 'Update/zz']);
});

test('first apply on an object without managedFields records before-first-apply', () => {
  const live = deployment({ replicas: 1, labels: { a: '1' } });
  const r = apply(live, deployment({ labels: { b: '2' } }), 'mgr', undefined);
  const bfa = entry(r.managedFields, 'before-first-apply');
  assert.equal(bfa?.operation, 'Update');
  assert.deepEqual(bfa?.fieldsV1, { 'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } }, 'f:spec': { 'f:replicas': {} } });
  assert.throws(() => apply(r.object, deployment({ replicas: 4 }), 'x', r.managedFields), /conflict with "before-first-apply" using apps\/v1/);
});

test('kubectl --server-side after client-side apply: unchanged last-applied fields do not conflict', () => {
  const cfg = deployment({ replicas: 1, labels: { a: '1' } });
  const created = structuredClone(cfg) as Obj;
  created.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: JSON.stringify(cfg) };
  const c = update(undefined, created, 'kubectl-client-side-apply', undefined);
  const next = deployment({ replicas: 2, labels: { a: '1' } });
  const r = apply(c.object, next, 'kubectl', c.managedFields);
  assert.equal((r.object as Obj).spec.replicas, 2);
  const ann = (r.object as Obj).metadata.annotations[LAST_APPLIED_ANNOTATION] as string;
  assert.equal(JSON.parse(ann).spec.replicas, 2);
  assert.ok(ann.endsWith('\n'));
  // Another manager name gets the conflict.
  assert.throws(() => apply(c.object, next, 'helm', c.managedFields), (e: unknown) => e instanceof StatusError && e.code === 409);
  // A field changed since the last client-side apply still conflicts for kubectl.
  const drift = structuredClone(c.object) as Obj;
  drift.spec.replicas = 7;
  const u = update(c.object, drift, 'kubectl-client-side-apply', c.managedFields);
  assert.throws(() => apply(u.object, next, 'kubectl', u.managedFields), /\.spec\.replicas/);
});

test('apply rejects managedFields in the config and undeclared fields', () => {
  const cfg = deployment({}) as Obj;
  cfg.metadata.managedFields = [];
  assert.throws(() => apply(undefined, cfg, 'm', undefined), (e: unknown) => e instanceof StatusError && e.code === 400);
  const bad = deployment({ replicas: 1 }) as Obj;
  bad.spec.bogus = 1;
  assert.throws(() => apply(undefined, bad, 'm', undefined), /\.spec\.bogus: field not declared in schema/);
});

test('an update may reset managedFields with [] or [{}]', () => {
  const a = apply(undefined, deployment({ replicas: 1 }), 'a', undefined);
  const nu = structuredClone(a.object) as Obj;
  nu.metadata.managedFields = [{}];
  const r = update(a.object, nu, 'u', a.managedFields);
  assert.deepEqual(r.managedFields, []);
  assert.equal((r.object as Obj).metadata.managedFields, undefined);
});
