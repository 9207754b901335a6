/**
 * Stage selectors: does a stage apply to this object? Exists means the field
 * is present and not null; NotIn and DoesNotExist match an absent field.
 */
import type { Stage, StageSelector } from './stage.js';
import { parseFieldPath, valueAt, type PathStep } from './field-path.js';

interface ObjectWithMeta { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> } }

const paths = new Map<string, PathStep[]>();

function stepsOf(key: string): PathStep[] {
  let s = paths.get(key);
  if (!s) { s = parseFieldPath(key); paths.set(key, s); }
  return s;
}

function asString(v: unknown): string {
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function selectorMatches(obj: ObjectWithMeta, sel: StageSelector | undefined): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (obj.metadata?.labels?.[k] !== v) return false;
  for (const [k, v] of Object.entries(sel.matchAnnotations ?? {})) if (obj.metadata?.annotations?.[k] !== v) return false;
  for (const r of sel.matchExpressions ?? []) {
    const v = valueAt(obj, stepsOf(r.key));
    const present = v !== undefined && v !== null;
    switch (r.operator) {
      case 'Exists': if (!present) return false; break;
      case 'DoesNotExist': if (present) return false; break;
      case 'In': if (!present || !(r.values ?? []).includes(asString(v))) return false; break;
      case 'NotIn': if (present && (r.values ?? []).includes(asString(v))) return false; break;
      default: return false;
    }
  }
  return true;
}

/** The first stage whose selector matches `obj`. */
export function firstMatchingStage<S extends Stage>(obj: ObjectWithMeta, stages: readonly S[]): S | undefined {
  return stages.find((s) => selectorMatches(obj, s.selector));
}
