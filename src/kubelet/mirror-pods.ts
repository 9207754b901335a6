/**
 * Mirror pods (upstream's pkg/kubelet/pod/mirror_client.go and the static
 * pod part of kubelet.go SyncPod): the API server's read-only copy of a
 * static pod, so that kubectl sees it. It carries the static pod's hash in
 * the config.mirror annotation and, since 1.23, a controller
 * ownerReference to its Node. The kubelet never runs a mirror pod; it
 * writes the static pod's status to it, replaces it when it is being
 * deleted or mirrors another hash, and deletes it when its static pod is
 * gone.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../api/log.js';
import { RESOURCES, type RestClient } from '../client/index.js';
import { CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION, isMirrorPod, isMirrorPodOf } from './config/annotations.js';

export interface MirrorPodsOptions {
  client: RestClient;
  nodeName: string;
  logger: Logger;
}

export class MirrorPods {
  /** Keys already warned about a non-mirror pod holding the name: warned once, not every sync. */
  private readonly nameTaken = new Set<string>();

  constructor(private readonly o: MirrorPodsOptions) {}

  /**
   * Makes the mirror of `staticPod` current, given `current`, the API's pod
   * of the same name if any (from the informer, so possibly stale).
   * Returns the mirror pod that status is written to, or undefined when
   * there is none yet (the node is not registered, or a pod that is not
   * its mirror holds the name); the next sync tries again.
   */
  async sync(staticPod: Pod, current: Pod | undefined): Promise<Pod | undefined> {
    let mirror = current;
    if (mirror && !isMirrorPod(mirror)) {
      if (!this.nameTaken.has(keyOf(staticPod))) this.o.logger.warn({ pod: keyOf(staticPod) }, 'an API pod that is not a mirror pod holds the static pod\'s name; no mirror pod');
      this.nameTaken.add(keyOf(staticPod));
      return undefined;
    }
    this.nameTaken.delete(keyOf(staticPod));
    if (mirror && (mirror.metadata?.deletionTimestamp || !isMirrorPodOf(mirror, staticPod))) {
      this.o.logger.info({ pod: keyOf(staticPod), uid: mirror.metadata?.uid }, 'deleting the mirror pod: it is being deleted or mirrors another version of the static pod');
      await this.delete(mirror);
      mirror = undefined;
    }
    return mirror ?? this.create(staticPod);
  }

  /** Deletes a mirror pod whose static pod is gone (upstream's HandlePodCleanups). */
  async deleteOrphan(mirror: Pod): Promise<void> {
    this.o.logger.info({ pod: keyOf(mirror), uid: mirror.metadata?.uid }, 'deleting the mirror pod of a static pod that is gone');
    await this.delete(mirror);
  }

  /** DELETE with grace period 0 and a uid precondition; already gone or replaced is fine. */
  private async delete(mirror: Pod): Promise<void> {
    try {
      await this.o.client.delete(RESOURCES.pods, mirror.metadata?.name ?? '', {
        namespace: mirror.metadata?.namespace ?? 'default', gracePeriodSeconds: 0, preconditions: { uid: mirror.metadata?.uid ?? '' },
      });
    } catch (e) {
      if (!isGoneOrConflict(e)) throw e;
    }
  }

  private async create(staticPod: Pod): Promise<Pod | undefined> {
    const node = await this.o.client.get<Node>(RESOURCES.nodes, this.o.nodeName).catch((e: unknown) => {
      if ((e as { code?: unknown }).code === 404) return undefined;
      throw e;
    });
    if (!node?.metadata?.uid || node.metadata.deletionTimestamp) {
      this.o.logger.debug({ pod: keyOf(staticPod), node: this.o.nodeName }, 'no mirror pod while the node is not registered');
      return undefined;
    }
    const hash = staticPod.metadata?.annotations?.[CONFIG_HASH_ANNOTATION] ?? '';
    const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ct, ...meta } = staticPod.metadata ?? {};
    const body: Pod = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        ...meta,
        annotations: { ...meta.annotations, [CONFIG_MIRROR_ANNOTATION]: hash },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.o.nodeName, uid: node.metadata.uid, controller: true }],
      },
      spec: staticPod.spec!,
    };
    try {
      const created = await this.o.client.create<Pod>(RESOURCES.pods, body, { namespace: meta.namespace ?? 'default' });
      this.o.logger.info({ pod: keyOf(staticPod), uid: created.metadata?.uid, hash }, 'mirror pod created');
      return created;
    } catch (e) {
      if ((e as { code?: unknown }).code !== 409) throw e;
      // The informer had not seen it yet: the one there may already be ours.
      const existing = await this.o.client.get<Pod>(RESOURCES.pods, meta.name ?? '', { namespace: meta.namespace ?? 'default' }).catch(() => undefined);
      return existing && isMirrorPodOf(existing, staticPod) && !existing.metadata?.deletionTimestamp ? existing : undefined;
    }
  }
}

function keyOf(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** A write that lost to a deletion (404) or another writer (409): the next sync redoes it. */
export function isGoneOrConflict(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 404 || code === 409;
}
