/** Small pieces several plugins share (upstream's plugins/helper). */
import { MAX_NODE_SCORE, type NodeScore } from '../framework/interface.js';

/**
 * Scales scores to 0..MAX_NODE_SCORE by the largest one (integer division);
 * `reverse` turns high into low. All zero: unchanged, or all MAX when reversed.
 */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean, max = MAX_NODE_SCORE): void {
  let top = 0;
  for (const s of scores) if (s.score > top) top = s.score;
  if (top === 0) {
    if (reverse) for (const s of scores) s.score = max;
    return;
  }
  for (const s of scores) {
    const v = Math.trunc((max * s.score) / top);
    s.score = reverse ? max - v : v;
  }
}
