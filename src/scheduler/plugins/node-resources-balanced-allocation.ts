/**
 * NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory (or the
 * configured resources) would be used in similar fractions with the pod on
 * them: score = (1 - standard deviation of the fractions) * 100.
 */
import { MAX_NODE_SCORE, type ScorePlugin } from '../framework/interface.js';
import { DEFAULT_RESOURCES, requestedAndAllocatable, type ResourceSpec } from './node-resources-fit.js';

export const NAME = 'NodeResourcesBalancedAllocation';

export interface BalancedAllocationArgs { resources?: ResourceSpec[] }

export function newBalancedAllocation(args: BalancedAllocationArgs = {}): ScorePlugin {
  const resources = args.resources?.length ? args.resources : DEFAULT_RESOURCES;
  return {
    name: NAME,
    score(_state, pod, node) {
      const fractions: number[] = [];
      for (const r of resources) {
        const [requested, allocatable] = requestedAndAllocatable(node, pod, r.name, true);
        if (allocatable === 0) continue;
        fractions.push(Math.min(1, requested / allocatable));
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
