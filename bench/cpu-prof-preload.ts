/**
 * Preload (`node --import`) that CPU-profiles the process it is loaded into,
 * because Node 20 refuses `--cpu-prof` in NODE_OPTIONS and the test harness
 * spawns the server with fixed flags. Starts the V8 sampling profiler at
 * load and writes `<K8TS_BENCH_CPU_PROF_DIR>/server-<pid>.cpuprofile` on exit.
 * Inert when K8TS_BENCH_CPU_PROF_DIR is unset.
 */
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.K8TS_BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  // A same-thread inspector session answers synchronously, so this works inside 'exit'.
  process.once('exit', () => {
    session.post('Profiler.stop', (err, res) => {
      if (err || !res) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `server-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
