/**
 * containerd as a child process of the node agent, as k3s runs it: its own
 * config, root, state and socket; stdout and stderr appended to a log file;
 * ready once CRI Version answers; restarted with back-off when it dies;
 * SIGTERM then SIGKILL on stop. Containers survive a containerd restart
 * (their shims are separate processes), so a restart is cheap.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { dirname } from 'node:path';
import type { Logger } from '../../api/log.js';
import { connectCri, waitForRuntime, type CriClient } from '../runtime/cri/connect.js';
import type { VersionResponse } from '../runtime/cri/types.js';
import { canLowerOomScoreAdj, kernelSupportsUnprivileged, renderContainerdConfig, snapshotterFor, type ContainerdConfigOptions } from './config.js';
import type { NodePaths } from './paths.js';
import { isAlive, killAndWait } from './process.js';
import { SYSTEM_PATH } from '../node-requirements.js';

export interface ContainerdSupervisorOptions extends ContainerdConfigOptions {
  /** The containerd binary. @default "containerd" (found on PATH) */
  binary?: string;
  /** containerd -l. @default $CONTAINERD_LOG_LEVEL, else "info" */
  logLevel?: string;
  /** How long start() waits for CRI to answer. @default 60000 */
  startTimeoutMs?: number;
  /** SIGTERM to SIGKILL on stop. @default 10000 */
  stopTimeoutMs?: number;
  /** First restart delay, doubled after each quick death. @default 1000 */
  restartBackoffMs?: number;
  /** @default 30000 */
  maxRestartBackoffMs?: number;
  /** A child that lived this long resets the back-off. @default 60000 */
  resetBackoffAfterMs?: number;
  log?: Logger;
  /** Called each time containerd (re)starts and answers. */
  onReady?: (version: VersionResponse) => void;
}

export class ContainerdSupervisor {
  private child: ChildProcess | undefined;
  private childStartedAt = 0;
  private failures = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private cri: CriClient | undefined;

  constructor(readonly paths: NodePaths, private readonly opts: ContainerdSupervisorOptions) {}

  /** The running child's PID, if any. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Writes the config, stops a containerd that an earlier k8ts left behind
   * (found by PID file), starts containerd and resolves with a CRI client
   * once Version answers. Rejects, with containerd stopped, when it exits
   * or does not answer in time; the error points at the log file.
   */
  async start(): Promise<CriClient> {
    if (this.child) throw new Error('containerd is already started');
    this.stopping = false;
    const p = this.paths;
    for (const d of [dirname(p.containerdConfig), p.registryCertsDir, p.containerdRoot, p.containerdState, p.cniConfDir, dirname(p.containerdPidFile)]) {
      mkdirSync(d, { recursive: true, mode: 0o711 });
    }
    const snapshotter = this.opts.snapshotter ?? snapshotterFor(statfsSync(p.containerdRoot).type);
    if (snapshotter !== (this.opts.snapshotter ?? 'overlayfs')) {
      this.opts.log?.warn({ root: p.containerdRoot, snapshotter }, 'containerd root is on overlayfs, which cannot hold overlay layers; using the native snapshotter');
    }
    writeFileSync(p.containerdConfig, renderContainerdConfig(p, {
      ...this.opts,
      snapshotter,
      enableUnprivileged: this.opts.enableUnprivileged ?? kernelSupportsUnprivileged(release()),
      restrictOomScoreAdj: this.opts.restrictOomScoreAdj ?? !canLowerOomScoreAdj(readFileSync('/proc/self/status', 'utf8')),
    }), { mode: 0o600 });
    // It may hold registry credentials (registries.yaml auth): owner-only, also when it existed before.
    chmodSync(p.containerdConfig, 0o600);
    await this.stopLeftover();
    const cri = connectCri(p.containerdSocket);
    this.cri = cri;
    try {
      await this.launch();
    } catch (err) {
      // A failed start is not restarted: the caller decides.
      this.stopping = true;
      clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
      cri.close();
      this.cri = undefined;
      throw err;
    }
    return cri;
  }

  /** Stops containerd (SIGTERM, then SIGKILL) and closes the client. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    if (child?.pid !== undefined) {
      await killAndWait(child.pid, this.opts.stopTimeoutMs ?? 10_000, child);
    }
    this.child = undefined;
    rmSync(this.paths.containerdPidFile, { force: true });
    this.cri?.close();
    this.cri = undefined;
  }

  private async launch(): Promise<void> {
    const p = this.paths;
    const log = openSync(p.containerdLog, 'a');
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env['NOTIFY_SOCKET'];
    const path = (env['PATH'] ?? '').split(':').filter(Boolean);
    env['PATH'] = [...path, ...SYSTEM_PATH.filter((d) => !path.includes(d))].join(':');
    const args = ['-c', p.containerdConfig, '-a', p.containerdSocket, '--state', p.containerdState, '--root', p.containerdRoot,
      '-l', this.opts.logLevel ?? process.env['CONTAINERD_LOG_LEVEL'] ?? 'info'];
    let child: ChildProcess;
    try {
      // Its own process group: a terminal's Ctrl-C reaches k8ts, which then stops containerd in order.
      child = spawn(this.opts.binary ?? 'containerd', args, { stdio: ['ignore', log, log], env, detached: true });
    } finally {
      closeSync(log);
    }
    const spawned = await new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', (err) => resolve(err));
    });
    if (spawned || child.pid === undefined) {
      throw new Error(`cannot start ${this.opts.binary ?? 'containerd'}: ${spawned?.message ?? 'no pid'} (install it: apt-get install containerd)`, { cause: spawned });
    }
    this.child = child;
    this.childStartedAt = Date.now();
    writeFileSync(p.containerdPidFile, `${child.pid}\n`);
    this.opts.log?.info({ pid: child.pid, socket: p.containerdSocket, log: p.containerdLog }, 'containerd started');

    const exited = new AbortController();
    child.once('exit', (code, signal) => {
      exited.abort();
      this.onExit(child, code, signal);
    });
    try {
      const version = await waitForRuntime(this.cri!.runtime, { timeoutMs: this.opts.startTimeoutMs ?? 60_000, signal: exited.signal });
      this.opts.log?.info({ version: version.runtimeVersion, pid: child.pid }, 'containerd is ready');
      this.opts.onReady?.(version);
    } catch (err) {
      const why = exited.signal.aborted ? `exited with ${describeExit(child)}` : 'did not answer CRI Version';
      if (!exited.signal.aborted && child.pid !== undefined) await killAndWait(child.pid, 2000, child);
      this.child = undefined;
      throw new Error(`containerd ${why}; see ${p.containerdLog}${tail(p.containerdLog)}`, { cause: err });
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child || this.stopping) return;
    this.child = undefined;
    const lived = Date.now() - this.childStartedAt;
    if (lived >= (this.opts.resetBackoffAfterMs ?? 60_000)) this.failures = 0;
    this.opts.log?.warn({ code, signal, livedMs: lived, log: this.paths.containerdLog }, 'containerd exited');
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = Math.min((this.opts.restartBackoffMs ?? 1000) * 2 ** this.failures, this.opts.maxRestartBackoffMs ?? 30_000);
    this.failures++;
    this.opts.log?.info({ restartInMs: delay }, 'restarting containerd');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.launch().catch((err: unknown) => {
        if (this.stopping) return;
        this.opts.log?.error({ err }, 'containerd restart failed');
        // An exit during the wait has already scheduled the next attempt.
        if (!this.child && !this.restartTimer) this.scheduleRestart();
      });
    }, delay);
  }

  /** A containerd whose PID file an earlier k8ts left, still running our config: stop it. */
  private async stopLeftover(): Promise<void> {
    let pid: number;
    try {
      pid = Number(readFileSync(this.paths.containerdPidFile, 'utf8').trim());
    } catch {
      return;
    }
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && cmdlineOf(pid).includes(this.paths.containerdConfig)) {
      this.opts.log?.info({ pid }, 'stopping the containerd an earlier run left behind');
      await killAndWait(pid, this.opts.stopTimeoutMs ?? 10_000);
    }
    rmSync(this.paths.containerdPidFile, { force: true });
  }
}

function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

function describeExit(child: ChildProcess): string {
  return child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`;
}

/** The log's last lines, to put the cause in the error itself. */
function tail(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-5);
    return lines.length ? `; last lines:\n${lines.join('\n')}` : '';
  } catch {
    return '';
  }
}
