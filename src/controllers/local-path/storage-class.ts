/**
 * The `local-path` StorageClass k3s ships in its local-storage manifest,
 * made the cluster default. It is created once, when absent; an existing
 * class of that name (the user's edit, or their own) is never touched.
 */
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { ANN_IS_DEFAULT_CLASS, LOCAL_PATH_PROVISIONER, LOCAL_PATH_STORAGE_CLASS } from '../../api/volume-binding/index.js';
import { RESOURCES } from '../../client/resource.js';
import type { RestClient } from '../../client/rest-client.js';

export function localPathStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name: LOCAL_PATH_STORAGE_CLASS, annotations: { [ANN_IS_DEFAULT_CLASS]: 'true' } },
    provisioner: LOCAL_PATH_PROVISIONER,
    volumeBindingMode: 'WaitForFirstConsumer',
    reclaimPolicy: 'Delete',
  };
}

/** Creates the class unless one of that name exists; true when this call created it. */
export async function ensureLocalPathStorageClass(client: RestClient): Promise<boolean> {
  try {
    await client.create(RESOURCES.storageclasses, localPathStorageClass());
    return true;
  } catch (e) {
    if ((e as { code?: number }).code === 409) return false;
    throw e;
  }
}
