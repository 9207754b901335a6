/**
 * NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory (or the
 * configured resources) would be used in similar fractions with the pod on
 * them: score = (1 - standard deviation of the fractions) * 100.
 */
import { MAX_NODE_SCORE, type ScorePlugin } from '../framework/interface.js';
import { DEFAULT_RESOURCES, resourceReader, type ResourceSpec } from './node-resources-fit.js';

export const NAME = 'NodeResourcesBalancedAllocation';

export interface BalancedAllocationArgs { resources?: ResourceSpec[] }

export function newBalancedAllocation(args: BalancedAllocationArgs = {}): ScorePlugin {
  const resources = (args.resources?.length ? args.resources : DEFAULT_RESOURCES).map((r) => resourceReader(r.name));
  const two = resources.length === 2 ? [resources[0]!, resources[1]!] as const : undefined;
  return {
    name: NAME,
    score(_state, pod, node) {
      if (two) {
        const ac = two[0].allocatable(node), am = two[1].allocatable(node);
        if (ac !== 0 && am !== 0) {
          const std = Math.abs(Math.min(1, two[0].requestedWith(node, pod) / ac) - Math.min(1, two[1].requestedWith(node, pod) / am)) / 2;
          return Math.trunc((1 - std) * MAX_NODE_SCORE);
        }
      }
      const fractions: number[] = [];
      for (const r of resources) {
        const allocatable = r.allocatable(node);
        if (allocatable === 0) continue;
        fractions.push(Math.min(1, r.requestedWith(node, pod) / allocatable));
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
