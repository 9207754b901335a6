/**
 * NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory (or the
 * configured resources) would be used in similar fractions with the pod on
 * them: score = (1 - standard deviation of the fractions) * 100.
 */
import { MAX_NODE_SCORE, type ScorePlugin } from '../framework/interface.js';
import { allocatableOf, DEFAULT_RESOURCES, requestedWith, type ResourceSpec } from './node-resources-fit.js';

export const NAME = 'NodeResourcesBalancedAllocation';

export interface BalancedAllocationArgs { resources?: ResourceSpec[] }

export function newBalancedAllocation(args: BalancedAllocationArgs = {}): ScorePlugin {
  const resources = args.resources?.length ? args.resources : DEFAULT_RESOURCES;
  const two = resources.length === 2 ? [resources[0]!.name, resources[1]!.name] as const : undefined;
  return {
    name: NAME,
    score(_state, pod, node) {
      if (two) {
        const ac = allocatableOf(node, two[0]), am = allocatableOf(node, two[1]);
        if (ac !== 0 && am !== 0) {
          const std = Math.abs(Math.min(1, requestedWith(node, pod, two[0]) / ac) - Math.min(1, requestedWith(node, pod, two[1]) / am)) / 2;
          return Math.trunc((1 - std) * MAX_NODE_SCORE);
        }
      }
      const fractions: number[] = [];
      for (const r of resources) {
        const allocatable = allocatableOf(node, r.name);
        if (allocatable === 0) continue;
        fractions.push(Math.min(1, requestedWith(node, pod, r.name) / allocatable));
      }
      let std = 0;
      if (fractions.length === 2) std = Math.abs(fractions[0]! - fractions[1]!) / 2;
      else if (fractions.length > 2) {
        const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
        std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
      }
      return Math.trunc((1 - std) * MAX_NODE_SCORE);
    },
  } satisfies ScorePlugin;
}
