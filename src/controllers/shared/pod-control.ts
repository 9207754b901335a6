/**
 * Creating and deleting a controller's pods (upstream's RealPodControl):
 * a pod from the owner's template with the controller reference, and the
 * Events upstream records for both (SuccessfulCreate / FailedCreate,
 * SuccessfulDelete / FailedDelete) on the owner.
 */
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { deepClone } from '../../api/object.js';
import type { ApiObject } from '../../client/api-object.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';

/**
 * The pod a template describes: its labels, annotations, finalizers and spec,
 * `generateName` (upstream's `<owner-name>-`) unless `name` is given, and the
 * controller reference.
 */
export function podFromTemplate(template: PodTemplateSpec, namespace: string, controllerRef: OwnerReference,
  naming: { generateName?: string; name?: string }): Pod {
  const meta = template.metadata ?? {};
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      namespace,
      ...(naming.name ? { name: naming.name } : { generateName: naming.generateName ?? `${controllerRef.name}-` }),
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRef],
    },
    spec: deepClone(template.spec!),
  };
}

export class PodControl {
  constructor(private readonly client: RestClient, private readonly recorder: EventRecorder) {}

  /** Creates `pod` (see podFromTemplate); records the Event on `owner`. Rejects with the API's error. */
  async createPod(owner: ApiObject, pod: Pod): Promise<Pod> {
    try {
      const created = await this.client.create<Pod>(RESOURCES.pods, pod, { namespace: pod.metadata!.namespace! });
      this.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata!.name}`);
      return created;
    } catch (e) {
      this.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }

  /** Deletes a pod (404 counts as done); records the Event on `owner`. */
  async deletePod(owner: ApiObject, namespace: string, name: string, uid?: string): Promise<void> {
    try {
      await this.client.delete(RESOURCES.pods, name, { namespace, ...(uid ? { preconditions: { uid } } : {}) });
      this.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (e) {
      if ((e as { code?: number }).code === 404) return;
      this.recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }
}
