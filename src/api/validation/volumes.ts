/**
 * Pod volumes (upstream's ValidateVolumes / validateVolumeSource): unique
 * DNS-1123-label names and exactly one source each.
 */
import type { Volume } from 'kubernetes-types/core/v1.js';
import type { FieldError, FieldPath } from '../field-errors.js';
import { duplicate, forbiddenField, invalidValue, required } from '../field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain } from './names.js';

/** The VolumeSource members, in upstream's order of checking. */
export const VOLUME_SOURCES = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
] as const;

function validateSource(vol: Volume, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const src = vol as unknown as Record<string, unknown>;
  const present = VOLUME_SOURCES.filter((k) => src[k] !== undefined && src[k] !== null);
  if (present.length === 0) return [required(path, 'must specify a volume type')];
  for (const k of present.slice(1)) errs.push(forbiddenField(path.child(k), 'may not specify more than 1 volume type'));
  if (vol.secret && !vol.secret.secretName) errs.push(required(path.child('secret', 'secretName')));
  if (vol.configMap && !vol.configMap.name) errs.push(required(path.child('configMap', 'name')));
  if (vol.persistentVolumeClaim && !vol.persistentVolumeClaim.claimName) {
    errs.push(required(path.child('persistentVolumeClaim', 'claimName')));
  }
  if (vol.hostPath) {
    if (!vol.hostPath.path) errs.push(required(path.child('hostPath', 'path')));
    const types = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];
    const t = vol.hostPath.type;
    if (t !== undefined && !types.includes(t)) {
      errs.push({ type: 'FieldValueNotSupported', field: path.child('hostPath', 'type').toString(), value: t, supported: types.filter(Boolean) });
    }
  }
  for (const [k, mode] of [['secret', vol.secret?.defaultMode], ['configMap', vol.configMap?.defaultMode],
    ['downwardAPI', vol.downwardAPI?.defaultMode], ['projected', vol.projected?.defaultMode]] as const) {
    if (mode !== undefined && (mode < 0 || mode > 0o777)) {
      errs.push(invalidValue(path.child(k, 'defaultMode'), mode,
        'must be a number between 0 and 0777 (octal), both inclusive'));
    }
  }
  if (vol.nfs) {
    if (!vol.nfs.server) errs.push(required(path.child('nfs', 'server')));
    if (!vol.nfs.path) errs.push(required(path.child('nfs', 'path')));
    else if (!vol.nfs.path.startsWith('/')) errs.push(invalidValue(path.child('nfs', 'path'), vol.nfs.path, 'must be an absolute path'));
  }
  if (vol.csi && !vol.csi.driver) errs.push(required(path.child('csi', 'driver')));
  else if (vol.csi) errs.push(...isDNS1123Subdomain(vol.csi.driver.toLowerCase()).map((m) => invalidValue(path.child('csi', 'driver'), vol.csi?.driver, m)));
  return errs;
}

/**
 * Returns the errors and the set of volume names (for volumeMount checks).
 */
export function validateVolumes(vols: Volume[] | undefined, path: FieldPath): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (vols ?? []).forEach((vol, i) => {
    const p = path.index(i);
    if (!vol.name) errs.push(required(p.child('name')));
    else errs.push(...isDNS1123Label(vol.name).map((m) => invalidValue(p.child('name'), vol.name, m)));
    if (vol.name && names.has(vol.name)) errs.push(duplicate(p.child('name'), vol.name));
    errs.push(...validateSource(vol, p));
    if (vol.name) names.add(vol.name);
  });
  return { errs, names };
}
