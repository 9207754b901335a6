/**
 * Label selectors: the string form (`app=web,tier in (fe,be),!canary`), the
 * metav1.LabelSelector object form, and matching. Semantics and messages are
 * upstream's (k8s.io/apimachinery/pkg/labels, metav1.LabelSelectorAsSelector,
 * metav1.FormatLabelSelector). Invalid selectors throw 400 BadRequest.
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { badRequest } from '../errors.js';
import { SelectorSyntaxError, parseRequirements, sortByKey } from './label-parser.js';
import { requirementError, requirementMatches, requirementString } from './label-requirement.js';
import type { Operator, Requirement } from './label-requirement.js';

export type { Operator, Requirement } from './label-requirement.js';

export interface LabelSelectorMatcher {
  /** Requirements, all of which must hold, sorted by key. */
  readonly requirements: readonly Requirement[];
  /** True when nothing is restricted: matches every object. */
  readonly empty: boolean;
  /** Whether `labels` (undefined = no labels) satisfy every requirement. */
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** The canonical string form, as upstream's Selector.String(); "" for everything and nothing. */
  toString(): string;
}

function fromRequirements(requirements: readonly Requirement[]): LabelSelectorMatcher {
  return {
    requirements,
    empty: requirements.length === 0,
    matches: (labels) => requirements.every((r) => requirementMatches(r, labels ?? {})),
    toString: () => requirements.map(requirementString).join(','),
  };
}

/** Matches every object (an empty selector). */
export const EVERYTHING: LabelSelectorMatcher = fromRequirements([]);

/** Matches no object (what a nil metav1.LabelSelector means). */
export const NOTHING: LabelSelectorMatcher = {
  requirements: [],
  empty: false,
  matches: () => false,
  toString: () => '',
};

/**
 * Parses the string syntax (`labelSelector=` query parameter). The empty
 * string selects everything. Throws 400 BadRequest with upstream's message,
 * e.g. `unable to parse requirement: <nil>: Invalid value: "a b": ...`.
 */
export function parseLabelSelector(selector: string): LabelSelectorMatcher {
  try {
    return fromRequirements(parseRequirements(selector));
  } catch (err) {
    if (err instanceof SelectorSyntaxError) throw badRequest(err.message);
    throw err;
  }
}

/** A requirement built as upstream's NewRequirement; throws 400 when invalid. */
export function newRequirement(key: string, operator: Operator, values: readonly string[]): Requirement {
  const err = requirementError(key, operator, values);
  if (err) throw badRequest(err);
  return { key, operator, values: [...values] };
}

/** Exactly the given labels (`matchLabels` alone); no validation, as upstream's SelectorFromSet. */
export function selectorFromSet(labels: Readonly<Record<string, string>> | undefined): LabelSelectorMatcher {
  return fromRequirements(sortByKey(Object.entries(labels ?? {})
    .map(([key, value]): Requirement => ({ key, operator: '=', values: [value] }))));
}

const EXPRESSION_OPERATORS: Readonly<Record<string, Operator>> = {
  In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!',
};

/**
 * upstream's LabelSelectorAsSelector: a nil (undefined/null) selector matches
 * nothing, an empty one (no matchLabels, no matchExpressions) everything.
 * Throws 400 BadRequest for invalid keys, values or operators.
 */
export function labelSelectorAsSelector(selector: LabelSelector | null | undefined): LabelSelectorMatcher {
  if (selector === null || selector === undefined) return NOTHING;
  const labels = Object.entries(selector.matchLabels ?? {});
  const expressions = selector.matchExpressions ?? [];
  if (labels.length + expressions.length === 0) return EVERYTHING;
  const requirements: Requirement[] = labels.map(([k, v]) => newRequirement(k, '=', [v]));
  for (const expr of expressions) {
    const op = EXPRESSION_OPERATORS[expr.operator];
    if (op === undefined) throw badRequest(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    requirements.push(newRequirement(expr.key, op, expr.values ?? []));
  }
  return fromRequirements(sortByKey(requirements));
}

/** upstream's FormatLabelSelector: the string form, `<none>` when empty or nil, `<error>` when invalid. */
export function formatLabelSelector(selector: LabelSelector | null | undefined): string {
  let s: string;
  try {
    s = labelSelectorAsSelector(selector).toString();
  } catch {
    return '<error>';
  }
  return s === '' ? '<none>' : s;
}
