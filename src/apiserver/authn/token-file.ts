/**
 * `<data-dir>/token`: the server's join token, written once (mode 0600) and
 * kept across restarts, as k3s keeps `server/token`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../pki/write-file-atomic.js';
import { formatJoinToken, joinSecretOf, newJoinSecret } from './join-token.js';

/**
 * The token for `caPem`: its secret is `secret` when given (the server's
 * --token), else the one already in `<dataDir>/token`, else a new random
 * one. Rewrites the file only when its content changes (a new secret, or a
 * new CA). Throws if `secret` is empty or contains whitespace or `:`.
 */
export async function ensureTokenFile(dataDir: string, caPem: string, secret?: string): Promise<{ path: string; token: string }> {
  const path = join(dataDir, 'token');
  if (secret !== undefined && !/^[^\s:]+$/.test(secret)) throw new Error('invalid --token: want a non-empty secret without spaces or ":"');
  let existing: string | undefined;
  try {
    existing = (await readFile(path, 'utf8')).trim();
  } catch { /* first start */ }
  let kept: string | undefined;
  try {
    kept = existing ? joinSecretOf(existing) : undefined;
  } catch { /* an unreadable token is replaced */ }
  const token = formatJoinToken(caPem, secret ?? kept ?? newJoinSecret());
  if (token !== existing) await writeFileAtomic(path, `${token}\n`, { mode: 0o600 });
  return { path, token };
}
