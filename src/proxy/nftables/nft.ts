/**
 * The nft binary as kube-proxy drives it (what knftables does): one
 * transaction per `nft -f -` (atomic: a failed transaction changes
 * nothing), and `nft -t list table` to find the chains and sets present.
 */
import type { Runner } from '../exec.js';
import { KUBE_PROXY_TABLE, SERVICES, type NFTFamily } from './rules.js';

export class NFTError extends Error {
  constructor(message: string, readonly line: number | undefined, readonly context: string[]) {
    super(message);
    this.name = 'NFTError';
  }
}

export class NFT {
  constructor(private readonly runner: Runner, readonly family: NFTFamily = 'ip', private readonly binary = 'nft') {}

  /** Applies `text` as one transaction; rejects with NFTError naming the first failing line. */
  async run(text: string): Promise<void> {
    const r = await this.runner.run([this.binary, '-f', '-'], { stdin: text, timeoutMs: 120_000 });
    if (r.code === 0) return;
    const msg = r.stderr.trim() || `exit ${r.code}`;
    // nft reports "/dev/stdin:LINE:COL-COL: Error: ..."
    const m = /:(\d+):\d+(?:-\d+)?: Error/.exec(msg);
    const line = m ? Number(m[1]) : undefined;
    const lines = text.split('\n');
    const context = line ? lines.slice(Math.max(0, line - 3), line + 2).map((l, i) => `${Math.max(1, line - 2) + i}: ${l}`) : [];
    throw new NFTError(`nft -f failed: ${msg.split('\n').slice(0, 6).join(' | ')}`, line, context);
  }

  /**
   * The chains and sets of our table (empty when it does not exist), from
   * `nft list chains` and `nft -t list sets` of the family: they print no
   * rules and no elements, so they stay fast on a big table (`nft list
   * table` of 10,000 services takes seconds).
   */
  async listTable(): Promise<{ chains: string[]; sets: string[] }> {
    const list = async (argv: string[]): Promise<string> => {
      const r = await this.runner.run([this.binary, ...argv, this.family], { timeoutMs: 60_000 });
      if (r.code !== 0) throw new Error(`nft ${argv.join(' ')} ${this.family}: ${r.stderr.trim() || `exit ${r.code}`}`);
      return r.stdout;
    };
    const [chains, sets] = await Promise.all([list(['list', 'chains']), list(['-t', 'list', 'sets'])]);
    return { chains: parseTableListing(chains, this.family).chains, sets: parseTableListing(sets, this.family).sets };
  }

  /** Whether our table exists; lists its small `services` chain only (listing the table takes seconds when it is big). */
  async tableExists(): Promise<boolean> {
    const r = await this.runner.run([this.binary, 'list', 'chain', this.family, KUBE_PROXY_TABLE, SERVICES], { timeoutMs: 60_000 });
    return r.code === 0;
  }
}

/** Chain and set names (maps excluded) of our table in `nft list ...` output, which may hold other tables too. */
export function parseTableListing(text: string, family: NFTFamily = 'ip'): { chains: string[]; sets: string[] } {
  const chains: string[] = [];
  const sets: string[] = [];
  const ours = `table ${family} ${KUBE_PROXY_TABLE} {`;
  let inOurs = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('table ')) { inOurs = line === ours; continue; }
    const m = inOurs ? /^\t(chain|set) (\S+) \{$/.exec(line) : null;
    if (!m) continue;
    const name = m[2]!.replace(/^"(.*)"$/, '$1');
    (m[1] === 'chain' ? chains : sets).push(name);
  }
  return { chains, sets };
}
