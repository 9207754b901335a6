/**
 * A volume that could not be set up. Its message is upstream's error text
 * (`configmap "y" not found`); the kubelet reports it as the Warning Event
 * `FailedMount`: `MountVolume.SetUp failed for volume "x" : <message>`
 * (pkg/volume/util/operationexecutor/operation_generator.go).
 */
export class VolumeSetUpError extends Error {
  override readonly name = 'VolumeSetUpError';
  constructor(readonly volumeName: string, message: string) {
    super(message);
  }

  /** The event's message. */
  get eventMessage(): string {
    return `MountVolume.SetUp failed for volume ${JSON.stringify(this.volumeName)} : ${this.message}`;
  }
}

/** The Kubernetes "not found" text the kubelet's object managers use (singular resource: `configmap "y" not found`). */
export function notFound(resource: string, name: string): string {
  return `${resource} ${JSON.stringify(name)} not found`;
}
