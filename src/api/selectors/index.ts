/** Label and field selectors: parsing, matching and printing as upstream does. */
export {
  EVERYTHING, NOTHING, formatLabelSelector, labelSelectorAsSelector, newRequirement, parseLabelSelector, selectorFromSet,
} from './label-selector.js';
export type { LabelSelectorMatcher, Operator, Requirement } from './label-selector.js';
export {
  assertSupportedFields, escapeFieldValue, fieldSelectorFromSet, parseFieldSelector, unescapeFieldValue,
} from './field-selector.js';
export type { FieldRequirement, FieldSelectorMatcher } from './field-selector.js';
