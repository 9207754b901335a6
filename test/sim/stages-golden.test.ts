/**
 * Golden stage tests: each test/sim/golden/<case>.yaml holds an input pod,
 * the stage that must be the first to match it, a fixed context and the
 * expected output (the pod after the stage, `delete`, or null for no stage).
 * K8TS_UPDATE_GOLDEN=1 rewrites the outputs (review the diff).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { REPO_ROOT } from '../harness/clients.js';
import { defaultPodStages, firstMatchingStage, loadStages, nextState, type Stage } from '../../src/sim/index.js';

const DIR = join(REPO_ROOT, 'test', 'sim', 'golden');

interface GoldenCase {
  stages: string;
  stage: string | null;
  context: { now: string; nodeName: string; hostIP: string; podIP: string };
  input: Pod;
  output?: unknown;
}

const cases = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'custom-stages.yaml').sort();

test('golden cases exist', () => {
  assert.ok(cases.length >= 7, `found ${cases.length} cases in ${DIR}`);
});

for (const file of cases) {
  test(`stage golden: ${file}`, async () => {
    const path = join(DIR, file);
    const doc = parseDocument(readFileSync(path, 'utf8'));
    const c = doc.toJS() as GoldenCase;
    const stages: Stage[] = c.stages === 'default' ? defaultPodStages() : await loadStages(join(DIR, c.stages));
    const inputCopy = structuredClone(c.input);
    const stage = firstMatchingStage(c.input, stages);
    assert.equal(stage?.name ?? null, c.stage, 'first matching stage');
    let allocations = 0;
    const actual = stage ? (() => {
      const r = nextState(c.input, stage, { ...c.context, allocatePodIP: () => { allocations++; return c.context.podIP; } });
      return r.type === 'delete' ? 'delete' : { ...c.input, status: r.status };
    })() : null;
    assert.deepEqual(c.input, inputCopy, 'nextState must not mutate its input');
    if (c.input.spec?.hostNetwork) assert.equal(allocations, 0, 'a hostNetwork pod allocates no pod IP');
    if (process.env['K8TS_UPDATE_GOLDEN'] === '1') {
      doc.set('output', doc.createNode(actual));
      writeFileSync(path, doc.toString({ lineWidth: 0 }));
      return;
    }
    assert.ok('output' in c, `${file} has no output (run with K8TS_UPDATE_GOLDEN=1 to write it, then review)`);
    assert.deepEqual(actual, c.output);
  });
}
