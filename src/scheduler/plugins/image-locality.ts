/**
 * ImageLocality: prefers nodes that already have the pod's images, weighted
 * by image size and by how widely the image is spread (so one node holding a
 * rare image does not attract every pod).
 */
import { normalizedImageName } from '../framework/image-name.js';
import { MAX_NODE_SCORE, type CycleState, type Handle, type ScorePlugin } from '../framework/interface.js';
import type { PodInfo } from '../framework/pod-info.js';

export const NAME = 'ImageLocality';
const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;
const KEY = 'Score' + NAME;

/** The pod's normalized image names and container count, computed once per cycle. */
interface PodImages { names: string[]; containers: number; onSomeNode: boolean }

export function newImageLocality(_args: unknown, handle: Handle): ScorePlugin {
  const podImages = (state: CycleState, pod: PodInfo): PodImages => {
    let images = state.read<PodImages>(KEY);
    if (!images) {
      const containers = [...(pod.pod.spec?.initContainers ?? []), ...(pod.pod.spec?.containers ?? [])];
      const names = containers.filter((c) => c.image).map((c) => normalizedImageName(c.image!));
      images = { names, containers: containers.length, onSomeNode: names.some((n) => handle.snapshot.imageSpread(n) > 0) };
      state.write(KEY, images);
    }
    return images;
  };
  return {
    name: NAME,
    score(state, pod, node) {
      // No node has any of the pod's images: every sum is 0, which scores 0, as does a node without images.
      const images = podImages(state, pod);
      if (!images.onSomeNode || node.images.size === 0) return 0;
      const total = handle.snapshot.nodes().length;
      if (total === 0) return 0;
      let sum = 0;
      for (const name of images.names) {
        const size = node.images.get(name);
        if (size === undefined) continue;
        sum += Math.trunc(size * (handle.snapshot.imageSpread(name) / total));
      }
      const max = MAX_CONTAINER_THRESHOLD * Math.max(1, images.containers);
      const clamped = Math.min(max, Math.max(MIN_THRESHOLD, sum));
      return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
    },
  } satisfies ScorePlugin;
}
