/**
 * End to end with the real kubectl: legacy discovery plus OpenApiService on a
 * plain node:http server, then `kubectl explain deployment.spec.strategy`.
 * Runs kubectl 1.35 and 1.27 (which also needs the protobuf /openapi/v2),
 * found as test/harness/clients.ts finds them; skips, saying why, without.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_RESOURCES } from '../../src/api/resources.js';
import { OpenApiService } from '../../src/apiserver/openapi/index.js';
import { serve } from './serve.js';
import { findKubectl } from '../harness/clients.js';

const binaries: Array<{ label: string; path: string | undefined; reason: string }> = [35, 27].map((minor) => {
  const b = findKubectl(minor);
  return { label: `kubectl 1.${minor}`, path: b.path, reason: b.reason ?? '' };
});

function run(bin: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: 60_000, env: { ...process.env, KUBECONFIG: '/dev/null' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

for (const b of binaries) {
  test(`${b.label}: explain deployment.spec.strategy prints the upstream descriptions`, async (t) => {
    if (!b.path) { t.skip(b.reason); return; }
    const server = await serve(new OpenApiService(BUILTIN_RESOURCES), { discovery: true });
    const cache = mkdtempSync(join(tmpdir(), 'k8ts-openapi-kubectl-'));
    try {
      const common = ['--server', server.url, '--cache-dir', cache];
      const out = await run(b.path, [...common, 'explain', 'deployment.spec.strategy']);
      assert.equal(out.code, 0, `kubectl failed: ${out.stderr}\nrequests:\n${server.requests.join('\n')}`);
      assert.match(out.stdout, /DeploymentStrategy describes how to replace existing pods with new ones/);
      assert.match(out.stdout, /rollingUpdate\s+<RollingUpdateDeployment>/);
      assert.match(out.stdout, /Rolling update config params/);
      assert.ok(server.requests.some((r) => r.startsWith('GET /openapi/v3/apis/apps/v1?hash=')), 'kubectl read the v3 document by hash');

      const nested = await run(b.path, [...common, 'explain', 'deployment.spec.strategy.rollingUpdate.maxSurge']);
      assert.equal(nested.code, 0, nested.stderr);
      assert.match(nested.stdout, /The maximum number of pods that can be scheduled above the desired number/);
      assert.match(nested.stdout, /IntOrString is a type that can hold an int32 or a string/, 'the IntOrString reference was followed');

      const v2 = await run(b.path, [...common, 'explain', 'deployment.spec.strategy', '--output', 'plaintext-openapiv2']);
      assert.equal(v2.code, 0, `v2 explain failed: ${v2.stderr}`);
      assert.match(v2.stdout, /DeploymentStrategy describes how to replace existing pods with new ones/);
    } finally {
      await server.close();
      rmSync(cache, { recursive: true, force: true });
    }
  });
}
