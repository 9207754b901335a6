/**
 * The list continue token: base64 of `{"v":"meta.k8s.io/v1","rv":N,"start":"<key suffix>"}`,
 * the same shape upstream uses, so a token names the snapshot revision and the
 * next key.
 */
import { badRequest } from '../../api/errors.js';

export interface ContinueToken {
  rv: number;
  start: string;
}

export function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: t.start })).toString('base64url');
}

export function decodeContinue(s: string): ContinueToken {
  try {
    const j = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { v?: string; rv?: number; start?: string };
    if (j.v !== 'meta.k8s.io/v1' || !Number.isSafeInteger(j.rv) || j.rv! <= 0 || typeof j.start !== 'string' || j.start.includes('..')) {
      throw new Error('bad token');
    }
    return { rv: j.rv!, start: j.start };
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}
