/**
 * kill -9 loses no acknowledged write: rounds of a real `k8ts server` on one
 * SQLite data directory, each killed with SIGKILL while ten clients create
 * ConfigMaps and update a counter of their own as fast as they are answered.
 * After each restart every create that got a 201 is there, and every
 * counter holds at least the last value that got a 200. The figures are
 * printed for the README's Reliability section.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../harness/server.js';
import { RawClient } from '../harness/raw-client.js';

const ROUNDS = 3;
const WRITERS = 10;
const CMS = '/api/v1/namespaces/default/configmaps';

interface Cm { metadata: { name: string; resourceVersion: string }; data?: Record<string, string> }

test(`kill -9 loses no acknowledged write (${ROUNDS} rounds)`, { timeout: 180_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-kill-'));
  let creates = 0;
  let updates = 0;
  let lost = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const s = await startServer({ dataDir });
      const api = new RawClient(s.kubeconfig);
      const acked: string[] = [];
      const counters = new Map<string, number>();
      let stop = false;
      const writers = Array.from({ length: WRITERS }, async (_, w) => {
        const counter = `r${round}-counter-${w}`;
        try {
          const made = await api.json<Cm>('POST', CMS, { metadata: { name: counter }, data: { n: '0' } });
          if (made.status !== 201) return;
          counters.set(counter, 0);
          let rv = made.body.metadata.resourceVersion;
          for (let i = 1; !stop && i < 100_000; i++) {
            const r = await api.json('POST', CMS, { metadata: { name: `r${round}-w${w}-${i}` } });
            if (r.status === 201) acked.push(`r${round}-w${w}-${i}`);
            const u = await api.json<Cm>('PUT', `${CMS}/${counter}`, { metadata: { name: counter, resourceVersion: rv }, data: { n: String(i) } });
            if (u.status === 200) { counters.set(counter, i); rv = u.body.metadata.resourceVersion; }
          }
        } catch { /* the server was killed under us */ }
      });
      await new Promise((r) => setTimeout(r, 1500));
      await s.kill();
      stop = true;
      await Promise.all(writers);
      api.close();
      assert.ok(acked.length > 50, `round ${round}: enough creates were acknowledged (${acked.length})`);

      const again = await startServer({ dataDir });
      const check = new RawClient(again.kubeconfig);
      try {
        const list = await check.json<{ items: Cm[] }>('GET', CMS);
        assert.equal(list.status, 200);
        const present = new Map(list.body.items.map((i) => [i.metadata.name, i]));
        const missing = acked.filter((n) => !present.has(n));
        const behind = [...counters].filter(([name, n]) => Number(present.get(name)?.data?.n ?? -1) < n);
        lost += missing.length + behind.length;
        assert.deepEqual(missing, [], `round ${round}: acknowledged creates lost`);
        assert.deepEqual(behind, [], `round ${round}: acknowledged updates lost`);
        creates += acked.length;
        updates += [...counters.values()].reduce((a, b) => a + b, 0);
      } finally {
        check.close();
        await again.stop({ keepData: true });
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const line = `kill-9 durability: ${ROUNDS} rounds, ${creates + updates} acknowledged writes (${creates} creates, ${updates} updates), ${lost} lost`;
  t.diagnostic(line);
  console.log(line);
});
