/**
 * (separate, library-level) Cost of the body check every write makes before
 * defaulting: FieldValidator over a typical pod (as a ReplicaSet creates it)
 * and a Deployment, both valid, so the whole body is walked. Prints CPU
 * microseconds per call; no HTTP, no store.
 *
 *   node dist/bench/field-validation.js [--iterations 50000]
 */
import { parseArgs } from 'node:util';
import { FieldValidator } from '../src/apiserver/field-validation.js';
import { BUILTIN_RESOURCES } from '../src/api/resources.js';
import { replicaSetPod } from './replicaset-pod.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '50000' } } });
const N = Number(values.iterations);

const pod = replicaSetPod(1) as { spec: Record<string, unknown> };

const deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    replicas: 3, selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
    template: { metadata: { labels: { app: 'web' } }, spec: pod.spec },
  },
};

const defs = BUILTIN_RESOURCES;
const podDef = defs.find((d) => d.group === '' && d.plural === 'pods')!;
const deployDef = defs.find((d) => d.group === 'apps' && d.plural === 'deployments')!;
const v = new FieldValidator();

function time(name: string, fn: () => void): number {
  for (let i = 0; i < Math.min(N, 5000); i++) fn();
  // CPU time, not wall time: other processes on the machine do not inflate it.
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) fn();
  const c = process.cpuUsage(c0);
  const us = (c.user + c.system) / N;
  console.log(`${name.padEnd(40)} ${us.toFixed(2).padStart(7)} µs CPU/call`);
  return us;
}

// Valid bodies without nulls are not changed by the check, so one copy serves every call.
time('pod', () => { v.check(podDef, pod); });
time('deployment', () => { v.check(deployDef, deployment); });
