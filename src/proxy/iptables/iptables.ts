/**
 * The iptables binaries kube-proxy drives (upstream's pkg/util/iptables):
 * iptables for the hook rules (-N, -C, -I), iptables-save to find existing
 * chains, iptables-restore --noflush --counters for each sync (atomic per
 * table: a failed restore leaves the previous rules).
 */
import type { Runner } from '../exec.js';

export type Table = 'filter' | 'nat' | 'mangle';

export class IPTablesRestoreError extends Error {
  constructor(message: string, readonly line: number | undefined, readonly context: string[]) {
    super(message);
    this.name = 'IPTablesRestoreError';
  }
}

export interface IPTablesOptions {
  /** The iptables binary; `<binary>-save` and `<binary>-restore` go with it. @default 'iptables' */
  binary?: string;
}

export class IPTables {
  private readonly bin: string;

  constructor(private readonly runner: Runner, opts: IPTablesOptions = {}) {
    this.bin = opts.binary ?? 'iptables';
  }

  get binary(): string { return this.bin; }

  /** Creates `chain` in `table` unless it exists. */
  async ensureChain(table: Table, chain: string): Promise<void> {
    const r = await this.runner.run([this.bin, '-w', '5', '-t', table, '-N', chain]);
    if (r.code !== 0 && !(await this.chainExists(table, chain))) throw new Error(`iptables -t ${table} -N ${chain}: ${r.stderr.trim()}`);
  }

  /** Inserts the rule at position 1 of `chain` unless `iptables -C` finds it. */
  async ensureRulePrepended(table: Table, chain: string, args: readonly string[]): Promise<void> {
    const check = await this.runner.run([this.bin, '-w', '5', '-t', table, '-C', chain, ...args]);
    if (check.code === 0) return;
    const r = await this.runner.run([this.bin, '-w', '5', '-t', table, '-I', chain, ...args]);
    if (r.code !== 0) throw new Error(`iptables -t ${table} -I ${chain} ${args.join(' ')}: ${r.stderr.trim()}`);
  }

  async chainExists(table: Table, chain: string): Promise<boolean> {
    const r = await this.runner.run([this.bin, '-w', '5', '-t', table, '-S', chain, '1']);
    return r.code === 0;
  }

  /** iptables-save of one table. */
  async save(table: Table): Promise<string> {
    const r = await this.runner.run([`${this.bin}-save`, '-t', table]);
    if (r.code !== 0) throw new Error(`${this.bin}-save -t ${table}: ${r.stderr.trim() || `exit ${r.code}`}`);
    return r.stdout;
  }

  /** Feeds `text` to iptables-restore --noflush --counters; rejects with IPTablesRestoreError naming the failing line. */
  async restore(text: string): Promise<void> {
    const r = await this.runner.run([`${this.bin}-restore`, '-w', '5', '--noflush', '--counters'], { stdin: text, timeoutMs: 600_000 });
    if (r.code === 0) return;
    const msg = r.stderr.trim() || `exit ${r.code}`;
    const m = /line (\d+) failed/.exec(msg) ?? /line:? (\d+)/.exec(msg);
    const line = m ? Number(m[1]) : undefined;
    const lines = text.split('\n');
    const context = line ? lines.slice(Math.max(0, line - 3), line + 2).map((l, i) => `${Math.max(1, line - 2) + i}: ${l}`) : [];
    throw new IPTablesRestoreError(`${this.bin}-restore failed: ${msg}`, line, context);
  }
}

/** Chain names declared (`:NAME ...`) in one table of iptables-save output. */
export function chainsInSave(save: string): string[] {
  const out: string[] = [];
  for (const line of save.split('\n')) if (line.startsWith(':')) out.push(line.slice(1, line.indexOf(' ') > 0 ? line.indexOf(' ') : undefined));
  return out;
}
