/**
 * Apply conflicts and the 409 they become (upstream
 * k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager/internal/conflict.go
 * NewConflictError and structured-merge-diff merge.Conflict).
 */
import { StatusError } from '../errors.js';
import type { FieldPath } from './path-element.js';
import { pathToString } from './path-element.js';
import { compareStrings } from './value.js';

/** A field the applier would change that another manager owns. */
export interface Conflict {
  /** The other manager's identifier (see managerIdentifier). */
  readonly manager: string;
  readonly path: FieldPath;
}

/** Thrown by the updater; turned into a StatusError by conflictError. */
export class ConflictsError extends Error {
  constructor(readonly conflicts: readonly Conflict[]) {
    super(`${conflicts.length} conflict(s)`);
    this.name = 'ConflictsError';
  }
}

/**
 * `"kubectl"` for an applier; `"x" using apps/v1` for an updater;
 * `"x" with subresource "status" using v1` for a subresource updater.
 */
export function printManager(identifier: string): string {
  let e: { manager?: string; operation?: string; apiVersion?: string; subresource?: string; time?: string };
  try {
    e = JSON.parse(identifier) as typeof e;
  } catch {
    return goQuote(identifier);
  }
  let s = goQuote(e.manager ?? '');
  if (e.subresource) s += ` with subresource ${goQuote(e.subresource)}`;
  if (e.operation === 'Update') s += e.time ? ` using ${e.apiVersion ?? ''} at ${e.time}` : ` using ${e.apiVersion ?? ''}`;
  return s;
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

/**
 * The 409 upstream returns: reason Conflict, one FieldManagerConflict cause per
 * field, and the message `Apply failed with 1 conflict: conflict with "m": .spec.replicas`
 * or, for several, `Apply failed with N conflicts: conflicts with "m":\n- .a\n- .b`
 * grouped by manager in sorted order.
 */
export function conflictError(conflicts: readonly Conflict[]): StatusError {
  const sorted = [...conflicts].sort((a, b) => compareStrings(a.manager, b.manager));
  const causes = sorted.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathToString(c.path),
  }));
  let message: string;
  if (sorted.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(sorted[0].manager)}: ${pathToString(sorted[0].path)}`;
  } else {
    const lines: string[] = [];
    let last: string | undefined;
    for (const c of sorted) {
      if (c.manager !== last) { lines.push(`conflicts with ${printManager(c.manager)}:`); last = c.manager; }
      lines.push(`- ${pathToString(c.path)}`);
    }
    message = `Apply failed with ${sorted.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { details: { causes } });
}
