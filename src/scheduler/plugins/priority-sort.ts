/** PrioritySort: the queue pops higher priority first, then the pod queued earlier. */
import type { QueueSortPlugin } from '../framework/interface.js';

export const NAME = 'PrioritySort';

export function newPrioritySort(): QueueSortPlugin {
  return {
    name: NAME,
    less: (a, b) => a.priority > b.priority || (a.priority === b.priority && a.timestamp < b.timestamp),
  } satisfies QueueSortPlugin;
}
