/**
 * What /version reports: a Kubernetes version with a `+k8ts` suffix. kubectl
 * warns when its minor version is more than one away, so v1.33 serves
 * kubectl 1.32 to 1.34 without a warning.
 */
import { KUBERNETES_GIT_VERSION, KUBERNETES_VERSION } from '../api/version.js';

export { KUBERNETES_VERSION };

export function versionInfo(): Record<string, string> {
  const v = KUBERNETES_GIT_VERSION;
  return {
    major: KUBERNETES_VERSION.major, minor: KUBERNETES_VERSION.minor, gitVersion: v,
    gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean',
    buildDate: '2026-11-23T00:00:00Z', goVersion: `node${process.versions.node}`, compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
